/**
 * GNER's prompts: the instruction text, label order (seeded or file) and the target a sentence is trained on.
 * Depends on data only.
 */
package org.gner.prompt;

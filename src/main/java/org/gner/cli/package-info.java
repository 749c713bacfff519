/**
 * The gner command line (picocli): one command per job, shared option groups as mixins, exit codes and error lines.
 * Depends on spark and the core packages; nothing depends on it.
 */
package org.gner.cli;

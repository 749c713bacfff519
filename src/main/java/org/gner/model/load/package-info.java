/**
 * Loading a checkpoint by its model_type into a LoadedModel, its digest, and the once-per-JVM ModelCache.
 * The top of the model tree: depends on the contract, hub, weights, t5 and llama; nothing in model depends on it.
 */
package org.gner.model.load;

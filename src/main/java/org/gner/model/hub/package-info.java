/**
 * Finding a checkpoint folder: local, in the HF cache, or downloaded from the HF hub (locks, progress).
 * Depends only on the contract's file names (CheckpointFiles); knows nothing of tensors or architectures.
 */
package org.gner.model.hub;

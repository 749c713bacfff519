/**
 * Reading and writing safetensors: memory-mapped files, sharded checkpoints (WeightStore), dtypes and bf16 conversion.
 * Depends on DJL and the contract's file names; knows nothing of the hub or of any architecture.
 */
package org.gner.model.weights;

/**
 * The Spark jobs (score, evaluate, annotate, report): input as Datasets, work on executors, metrics and outputs.
 * The only package besides cli that uses Spark; depends on every core package.
 */
package org.gner.spark;

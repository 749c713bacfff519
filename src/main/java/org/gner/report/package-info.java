/**
 * The HTML evaluation report: per-run summaries, F1 charts, paired bootstrap and example sentences, from plain rows.
 * Depends on metrics; no Spark (spark.ReportJob reads the Parquet outputs for it).
 */
package org.gner.report;

package org.gner.spark;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * A {@link Row} filled by field name against its schema, so an added or moved column cannot shift
 * values into the wrong field: an unknown name fails, and so does a non-nullable field left unset.
 */
final class RowBuilder {
    private final StructType schema;
    private final Object[] values;
    private final boolean[] set;

    RowBuilder(StructType schema) {
        this.schema = schema;
        this.values = new Object[schema.size()];
        this.set = new boolean[schema.size()];
    }

    RowBuilder put(String field, Object value) {
        int i = schema.fieldIndex(field);
        values[i] = value;
        set[i] = true;
        return this;
    }

    Row build() {
        for (int i = 0; i < values.length; i++) {
            if (!set[i] && !schema.fields()[i].nullable()) {
                throw new IllegalStateException("field " + schema.fields()[i].name() + " is not nullable and was"
                        + " not set");
            }
        }
        return RowFactory.create(values);
    }
}

package org.gner.model.weights;

import ai.djl.ndarray.types.DataType;

/** The safetensors dtypes this runtime reads and writes, with their DJL counterparts. */
public enum TensorDtype {
    F32("F32", 4, DataType.FLOAT32),
    F16("F16", 2, DataType.FLOAT16),
    BF16("BF16", 2, DataType.BFLOAT16),
    I64("I64", 8, DataType.INT64),
    I32("I32", 4, DataType.INT32),
    U8("U8", 1, DataType.UINT8);

    private final String code;
    private final int bytes;
    private final DataType djl;

    TensorDtype(String code, int bytes, DataType djl) {
        this.code = code;
        this.bytes = bytes;
        this.djl = djl;
    }

    public String code() {
        return code;
    }

    public int bytes() {
        return bytes;
    }

    public DataType djl() {
        return djl;
    }

    public static TensorDtype fromCode(String code) {
        for (TensorDtype t : values()) {
            if (t.code.equals(code)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unsupported safetensors dtype " + code);
    }

    public static TensorDtype fromDjl(DataType type) {
        for (TensorDtype t : values()) {
            if (t.djl == type) {
                return t;
            }
        }
        throw new IllegalArgumentException("no safetensors dtype for " + type);
    }
}

package org.gner.model.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** One tensor to write: dtype, shape and its little-endian bytes. */
public record TensorData(TensorDtype dtype, long[] shape, byte[] bytes) {

    public TensorData {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The array as it is (its own dtype). */
    public static TensorData of(NDArray array) {
        ByteBuffer buffer = array.toByteBuffer();
        if (buffer.order() != ByteOrder.LITTLE_ENDIAN) {
            throw new IllegalStateException("big-endian native buffers are not supported");
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return new TensorData(TensorDtype.fromDjl(array.getDataType()), array.getShape().getShape(), bytes);
    }

    /** A floating-point array narrowed to bf16 (computed in Java; see {@link Bf16}). */
    public static TensorData bf16(NDArray array) {
        float[] values = array.getDataType() == DataType.FLOAT32
                ? array.toFloatArray()
                : array.toType(DataType.FLOAT32, true).toFloatArray();
        return new TensorData(TensorDtype.BF16, array.getShape().getShape(), Bf16.fromFloat32(values));
    }
}

package org.gner.model.weights;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;

/**
 * bfloat16 conversion done in Java: DJL 0.36's PyTorch JNI has no bfloat16 dtype (creating or
 * casting to one aborts the process), so BF16 checkpoints are widened to fp32 here on load and
 * narrowed here on save.
 */
public final class Bf16 {
    private Bf16() {}

    /** Widens little-endian bf16 bytes to a native-order direct fp32 buffer (exact). */
    public static ByteBuffer toFloat32(ByteBuffer bf16) {
        ShortBuffer in = bf16.duplicate().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
        ByteBuffer out = ByteBuffer.allocateDirect(in.remaining() * 4).order(ByteOrder.nativeOrder());
        FloatBuffer floats = out.asFloatBuffer();
        while (in.hasRemaining()) {
            floats.put(Float.intBitsToFloat((in.get() & 0xFFFF) << 16));
        }
        return out;
    }

    /** Narrows fp32 values to little-endian bf16 bytes, rounding to nearest even like torch. */
    public static byte[] fromFloat32(float[] values) {
        ByteBuffer out = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            out.putShort(round(v));
        }
        return out.array();
    }

    public static short round(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x40); // keep it a quiet NaN
        }
        int lsb = (bits >>> 16) & 1;
        int rounded = bits + 0x7FFF + lsb;
        return (short) (rounded >>> 16);
    }
}

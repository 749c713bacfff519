package org.gner.model;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import java.util.Locale;

/**
 * Where and in which precision a model runs: {@code --device cpu|gpu|gpu:N},
 * {@code --dtype fp32|bf16|fp16}. Half-precision weights are widened to fp32 on CPU by default.
 */
public record RuntimeOptions(Device device, DataType dtype) {

    public static final RuntimeOptions CPU_FP32 = new RuntimeOptions(Device.cpu(), DataType.FLOAT32);

    public static RuntimeOptions parse(String device, String dtype) {
        return new RuntimeOptions(parseDevice(device), parseDtype(dtype));
    }

    public static Device parseDevice(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("cpu")) {
            return Device.cpu();
        }
        if (t.equals("gpu") || t.equals("cuda")) {
            return Device.gpu();
        }
        if (t.startsWith("gpu:") || t.startsWith("cuda:")) {
            try {
                return Device.gpu(Integer.parseInt(t.substring(t.indexOf(':') + 1)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad device '" + text + "': expected cpu, gpu or gpu:N");
            }
        }
        throw new IllegalArgumentException("bad device '" + text + "': expected cpu, gpu or gpu:N");
    }

    public static DataType parseDtype(String text) {
        switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "fp32":
            case "float32":
                return DataType.FLOAT32;
            case "bf16":
            case "bfloat16":
                return DataType.BFLOAT16;
            case "fp16":
            case "float16":
                return DataType.FLOAT16;
            default:
                throw new IllegalArgumentException("bad dtype '" + text + "': expected fp32, bf16 or fp16");
        }
    }
}

package org.gner.model.weights;

import java.nio.file.Path;
import java.util.Arrays;

/** Where one tensor of a safetensors file lives: its dtype, shape and byte range in the file. */
public record TensorInfo(String name, TensorDtype dtype, long[] shape, Path file, long offset, long byteLength) {

    public TensorInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape) + " @" + file.getFileName() + ":" + offset;
    }
}

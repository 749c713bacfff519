package org.gner.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.gner.model.DecodeState;
import org.gner.model.GenerativeModel;
import org.gner.model.ModelSpec;
import org.gner.model.StepOutput;

/** A model wrapper that counts decoder passes (prefill and every forward), for run reports. */
final class CountingModel implements GenerativeModel {
    private final GenerativeModel inner;
    private int passes;

    CountingModel(GenerativeModel inner) {
        this.inner = inner;
    }

    int passes() {
        return passes;
    }

    @Override
    public ModelSpec spec() {
        return inner.spec();
    }

    @Override
    public NDManager newScope() {
        return inner.newScope();
    }

    @Override
    public DecodeState begin(NDManager scope, List<long[]> promptIds) {
        DecodeState state = inner.begin(scope, promptIds);
        return new DecodeState() {
            @Override
            public int rows() {
                return state.rows();
            }

            @Override
            public StepOutput prefillStep(NDManager out) {
                passes++;
                return state.prefillStep(out);
            }

            @Override
            public StepOutput forwardStep(NDArray tokens) {
                passes++;
                return state.forwardStep(tokens);
            }

            @Override
            public StepOutput forwardStep(NDArray tokens, int[] fed) {
                passes++;
                return state.forwardStep(tokens, fed);
            }

            @Override
            public void selectRows(NDArray rows) {
                state.selectRows(rows);
            }

            @Override
            public void rollback(int[] drop) {
                state.rollback(drop);
            }

            @Override
            public void close() {
                state.close();
            }
        };
    }

    @Override
    public void close() {
        inner.close();
    }
}

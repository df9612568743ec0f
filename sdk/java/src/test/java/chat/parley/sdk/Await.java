package chat.parley.sdk;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a callback's answer, or polls a condition: never sleep-and-hope. */
final class Await<T> extends Parley.CallbackListener<T> {
    static final long TIMEOUT_MS = 15000;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile T value;
    private volatile ParleyException error;

    @Override
    public void onSuccess(T result) {
        value = result;
        done.countDown();
    }

    @Override
    public void onError(ParleyException e) {
        error = e;
        done.countDown();
    }

    /** The result; a ParleyException when the call failed. */
    T get() throws ParleyException, InterruptedException {
        if (!done.await(TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
            throw new AssertionError("no answer within " + TIMEOUT_MS + " ms");
        }
        if (error != null) {
            throw error;
        }
        return value;
    }

    /** The error the call failed with; fails when it succeeded. */
    ParleyException error() throws InterruptedException {
        if (!done.await(TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
            throw new AssertionError("no answer within " + TIMEOUT_MS + " ms");
        }
        if (error == null) {
            throw new AssertionError("the call succeeded with " + value + ", want an error");
        }
        return error;
    }

    /** Polls cond until true, failing with what() after the timeout. */
    static void until(BooleanSupplier cond, Supplier<String> what) throws InterruptedException {
        long end = System.currentTimeMillis() + TIMEOUT_MS;
        while (!cond.getAsBoolean()) {
            if (System.currentTimeMillis() > end) {
                throw new AssertionError("timed out: " + what.get());
            }
            Thread.sleep(10);
        }
    }
}

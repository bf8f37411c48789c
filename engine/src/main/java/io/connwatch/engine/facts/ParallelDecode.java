package io.connwatch.engine.facts;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Decodes an input on several threads and hands what it yields to one sink in input order, exactly
 * as one {@link RecordDecoder} reading it from start to end would: the same records, the same
 * rejections naming the same lines and bytes.
 *
 * <p>The calling thread cuts the input into pieces of about {@link #PIECE_BYTES} at line ends and
 * the decode threads each decode one piece as if a fresh decode started there. That guess is right
 * for JSON lines and is checked: a piece whose decode did not end in a fresh decode's state (a CSV
 * header, an array, an envelope or a pretty-printed object open across its end) makes this
 * decode throw away its own and every later piece's results and read the rest of the input from
 * that piece's start on the calling thread alone, as one decode. A line longer than
 * {@link #MAX_PIECE_BYTES} does the same, so no piece holds more than that.
 *
 * <p>At most {@code threads + 2} pieces are read ahead of the sink: memory stays bounded whatever
 * the input. When reading the input fails, the whole lines read before the failure are still
 * decoded and handed over before the failure is thrown, as one decode would.
 */
public final class ParallelDecode {
    /** About how much of the input one piece holds. */
    static final int PIECE_BYTES = 1 << 20;
    /** A piece that reaches this without a line end ends the parallel decode. */
    static final int MAX_PIECE_BYTES = 8 << 20;

    private static volatile ExecutorService shared;

    private final ExecutorService pool;
    private final int threads;
    private final Supplier<RecordDecoder> decoders;
    private final ThreadLocal<RecordDecoder> perThread;
    private final int pieceBytes;
    private final int maxPieceBytes;

    /** A parallel decode on the shared decode threads (one per core), with decoders from {@code decoders}. */
    public static ParallelDecode onSharedThreads(Supplier<RecordDecoder> decoders) {
        return new ParallelDecode(sharedPool(), threads(), decoders, PIECE_BYTES, MAX_PIECE_BYTES);
    }

    ParallelDecode(ExecutorService pool, int threads, Supplier<RecordDecoder> decoders, int pieceBytes, int maxPieceBytes) {
        this.pool = pool;
        this.threads = threads;
        this.decoders = decoders;
        this.perThread = ThreadLocal.withInitial(decoders);
        this.pieceBytes = pieceBytes;
        this.maxPieceBytes = maxPieceBytes;
    }

    /** The shared decode threads' class, so that code can tell it runs on one. */
    private static final class DecodeThread extends Thread {
        DecodeThread(Runnable r, String name) {
            super(r, name);
        }
    }

    /** True on one of the shared decode threads (where a per-thread decoder is needed). */
    public static boolean onDecodeThread() {
        return Thread.currentThread() instanceof DecodeThread;
    }

    /** How many threads decode at once: the cores. */
    public static int threads() {
        return Runtime.getRuntime().availableProcessors();
    }

    private static ExecutorService sharedPool() {
        ExecutorService p = shared;
        if (p == null) {
            synchronized (ParallelDecode.class) {
                p = shared;
                if (p == null) {
                    AtomicInteger n = new AtomicInteger();
                    p = Executors.newFixedThreadPool(threads(), r -> {
                        Thread t = new DecodeThread(r, "connwatch-decode-" + n.getAndIncrement());
                        t.setDaemon(true);
                        return t;
                    });
                    shared = p;
                }
            }
        }
        return p;
    }

    /** One piece of the input and what decoding it yields. */
    private record Piece(byte[] bytes, int length, int firstLine, long firstByte, CompletableFuture<Outcome> outcome) {
        InputStream stream() {
            return new ByteArrayInputStream(bytes, 0, length);
        }
    }

    /** A piece's records and rejections in order, and whether it ended clean. */
    private record Outcome(List<Object> yielded, boolean clean) {
    }

    /**
     * Decodes the stream to its end.
     *
     * @throws IOException only when the stream itself fails; bad content is reported to the sink
     */
    public void decode(String source, InputStream in, RecordDecoder.Sink sink) throws IOException {
        if (threads < 2) {
            decoders.get().decode(source, in, sink);
            return;
        }
        Deque<Piece> ahead = new ArrayDeque<>();
        int window = threads + 2;
        byte[] buf = new byte[pieceBytes];
        int filled = 0;
        int line = 1;
        long offset = 0;
        boolean eof = false;
        try {
            while (!eof) {
                // Fill the buffer, growing it while no line end is in it, up to the largest piece.
                while (filled < buf.length) {
                    int n;
                    try {
                        n = in.read(buf, filled, buf.length - filled);
                    } catch (IOException e) {
                        // As one decode would: every whole line read before the failure still counts.
                        InputStream whole = new ByteArrayInputStream(buf, 0, lastNewline(buf, filled) + 1);
                        if (drain(ahead, sink)) {
                            decoders.get().decodePiece(source, whole, line, offset, sink);
                        } else {
                            sequentialFrom(source, ahead, whole, InputStream.nullInputStream(), sink);
                        }
                        throw e;
                    }
                    if (n < 0) {
                        eof = true;
                        break;
                    }
                    filled += n;
                }
                int cut = eof ? filled : lastNewline(buf, filled) + 1;
                if (cut == 0) {
                    if (filled == 0) {
                        break;
                    }
                    if (buf.length >= maxPieceBytes) {
                        // One line longer than a piece may be: the rest goes through one decode, which bounds lines itself.
                        InputStream unsent = new ByteArrayInputStream(buf, 0, filled);
                        if (drain(ahead, sink)) {
                            decoders.get().decodePiece(source, new SequenceInputStream(unsent, in), line, offset, sink);
                        } else {
                            sequentialFrom(source, ahead, unsent, in, sink);
                        }
                        return;
                    }
                    byte[] bigger = new byte[Math.min(maxPieceBytes, buf.length * 2)];
                    System.arraycopy(buf, 0, bigger, 0, filled);
                    buf = bigger;
                    continue;
                }
                byte[] rest = new byte[Math.max(pieceBytes, filled - cut)];
                System.arraycopy(buf, cut, rest, 0, filled - cut);
                Piece piece = dispatch(source, buf, cut, line, offset);
                ahead.add(piece);
                line += newlines(buf, cut);
                offset += cut;
                buf = rest;
                filled -= cut;
                while (ahead.size() >= window) {
                    if (!emit(ahead, sink)) {
                        sequentialFrom(source, ahead, new ByteArrayInputStream(buf, 0, filled), in, sink);
                        return;
                    }
                }
            }
            while (!ahead.isEmpty()) {
                if (!emit(ahead, sink)) {
                    sequentialFrom(source, ahead, InputStream.nullInputStream(), InputStream.nullInputStream(), sink);
                    return;
                }
            }
        } finally {
            for (Piece p : ahead) {
                p.outcome().cancel(false);
            }
        }
    }

    /**
     * Runs {@code task} for every index in [0, n) on the decode threads, in contiguous slices of at
     * least {@code minSlice}, and returns when all have run (on this thread alone when n is small
     * or there is one core). For inputs that arrive already cut into records, e.g. a Kafka poll.
     *
     * @throws RuntimeException a task's failure (when several fail, one of them)
     */
    public static void forEachIndex(int n, int minSlice, java.util.function.IntConsumer task) {
        int slices = Math.min(threads(), n / Math.max(1, minSlice));
        if (slices < 2) {
            for (int i = 0; i < n; i++) {
                task.accept(i);
            }
            return;
        }
        ExecutorService pool = sharedPool();
        CompletableFuture<?>[] done = new CompletableFuture<?>[slices];
        for (int s = 0; s < slices; s++) {
            int from = (int) ((long) n * s / slices);
            int to = (int) ((long) n * (s + 1) / slices);
            done[s] = CompletableFuture.runAsync(() -> {
                for (int i = from; i < to; i++) {
                    task.accept(i);
                }
            }, pool);
        }
        try {
            CompletableFuture.allOf(done).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /** What one text held in memory decoded to. */
    public record Decoded(List<MachineRecord> records, List<Rejection> rejections) {
    }

    /**
     * Decodes each text as a decode of its own (as {@link RecordDecoder#decode(String, String,
     * RecordDecoder.Sink)} one after another would), on the decode threads, and hands each text's
     * yield to {@code each} on this thread in the texts' order, at most {@code threads + 2} ahead.
     */
    public void decodeEach(String source, Iterable<String> texts, java.util.function.Consumer<Decoded> each) {
        Deque<CompletableFuture<Decoded>> ahead = new ArrayDeque<>();
        int window = Math.max(1, threads) + 2;
        for (String text : texts) {
            ahead.add(CompletableFuture.supplyAsync(() -> {
                Decoded d = new Decoded(new ArrayList<>(text.length() / 256 + 16), new ArrayList<>());
                perThread.get().decode(source, text, RecordDecoder.Sink.of(d.records()::add, d.rejections()::add));
                return d;
            }, pool));
            while (ahead.size() >= window) {
                each.accept(ahead.poll().join());
            }
        }
        while (!ahead.isEmpty()) {
            each.accept(ahead.poll().join());
        }
    }

    /** Emits every piece read ahead; false (having emitted none of the rest) at the first that did not end clean. */
    private boolean drain(Deque<Piece> ahead, RecordDecoder.Sink sink) throws IOException {
        while (!ahead.isEmpty()) {
            if (!emit(ahead, sink)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Hands the oldest piece's yield to the sink when it ended clean (and removes it); when it did
     * not, leaves it first in line, emits nothing and returns false.
     */
    private boolean emit(Deque<Piece> ahead, RecordDecoder.Sink sink) throws IOException {
        Outcome o = await(ahead.peekFirst().outcome());
        if (!o.clean()) {
            return false;
        }
        ahead.pollFirst();
        for (Object y : o.yielded()) {
            if (y instanceof MachineRecord r) {
                sink.record(r);
            } else {
                sink.rejected((Rejection) y);
            }
        }
        return true;
    }

    /** Decodes from the first piece still ahead to the end of the input as one decode, on this thread. */
    private void sequentialFrom(String source, Deque<Piece> ahead, InputStream unsent, InputStream in, RecordDecoder.Sink sink)
        throws IOException {
        Piece first = ahead.peekFirst();
        List<InputStream> parts = new ArrayList<>();
        for (Piece p : ahead) {
            p.outcome().cancel(false);
            parts.add(p.stream());
        }
        parts.add(unsent);
        parts.add(in);
        ahead.clear();
        decoders.get().decodePiece(source, new SequenceInputStream(Collections.enumeration(parts)), first.firstLine(),
            first.firstByte(), sink);
    }

    private Piece dispatch(String source, byte[] bytes, int length, int firstLine, long firstByte) {
        CompletableFuture<Outcome> outcome = CompletableFuture.supplyAsync(() -> {
            List<Object> yielded = new ArrayList<>(length / 256 + 16);
            try {
                boolean clean = perThread.get().decodePiece(source, new ByteArrayInputStream(bytes, 0, length), firstLine, firstByte,
                    RecordDecoder.Sink.of(yielded::add, yielded::add));
                return new Outcome(yielded, clean);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, pool);
        return new Piece(bytes, length, firstLine, firstByte, outcome);
    }

    private static Outcome await(CompletableFuture<Outcome> f) throws IOException {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    private static int lastNewline(byte[] b, int length) {
        for (int i = length - 1; i >= 0; i--) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static int newlines(byte[] b, int length) {
        int n = 0;
        for (int i = 0; i < length; i++) {
            if (b[i] == '\n') {
                n++;
            }
        }
        return n;
    }
}

package io.connwatch.engine.ingest.http;

import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Inflates a gzip request body within bounds: at most {@code maxBytes} out and at most
 * {@code maxRatio} times the compressed size, stopping the moment either is crossed, so a
 * decompression bomb costs no more than one honest body of the largest size. Runs on a worker
 * thread, never on an event loop.
 */
final class GzipBody {
    /** Why a body could not be inflated. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        Refused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    /**
     * Inflations at once, at most one per core: a flood of bombs then costs a bounded amount of
     * memory (each inflation holds up to two body-sized buffers) and leaves the other workers free.
     */
    private static final java.util.concurrent.Semaphore AT_ONCE = new java.util.concurrent.Semaphore(
        Math.max(1, Runtime.getRuntime().availableProcessors()), true);

    private GzipBody() {
    }

    static byte[] inflate(byte[] gzip, long maxBytes, int maxRatio) throws Refused {
        try {
            AT_ONCE.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refused(503, "interrupted while waiting to inflate the body");
        }
        try {
            return inflateNow(gzip, maxBytes, maxRatio);
        } finally {
            AT_ONCE.release();
        }
    }

    /**
     * Two passes: the first inflates into one small scratch buffer only to measure (a bomb is
     * refused there, having allocated nothing), the second into an array of the exact size.
     */
    private static byte[] inflateNow(byte[] gzip, long maxBytes, int maxRatio) throws Refused {
        long limit = Math.min(maxBytes, (long) maxRatio * Math.max(gzip.length, 1));
        int offset = header(gzip);
        byte[] scratch = new byte[64 * 1024];
        int size = (int) pass(gzip, offset, limit, maxBytes, maxRatio, scratch, null);
        byte[] result = new byte[size];
        pass(gzip, offset, limit, maxBytes, maxRatio, scratch, result);
        int t = gzip.length - 8;
        long crc = (gzip[t] & 0xffL) | (gzip[t + 1] & 0xffL) << 8 | (gzip[t + 2] & 0xffL) << 16 | (gzip[t + 3] & 0xffL) << 24;
        java.util.zip.CRC32 check = new java.util.zip.CRC32();
        check.update(result);
        if (check.getValue() != crc) {
            throw new Refused(400, "gzip body is corrupt (CRC mismatch)");
        }
        return result;
    }

    /** Inflates once: into {@code into} when given (sized by the first pass), else only counting. Returns the size. */
    private static long pass(byte[] gzip, int offset, long limit, long maxBytes, int maxRatio, byte[] scratch, byte[] into)
        throws Refused {
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(gzip, offset, gzip.length - offset);
            long size = 0;
            while (!inflater.finished()) {
                int n = into == null ? inflater.inflate(scratch) : inflater.inflate(into, (int) size, into.length - (int) size);
                if (n == 0) {
                    if (inflater.needsInput()) {
                        throw new Refused(400, "gzip body is cut short");
                    }
                    if (inflater.needsDictionary()) {
                        throw new Refused(400, "gzip body is not valid: it needs a preset dictionary");
                    }
                    if (into != null && size == into.length && !inflater.finished()) {
                        throw new Refused(400, "gzip body changed between passes");
                    }
                }
                if (size + n > limit) {
                    throw new Refused(413, size + n > maxBytes
                        ? "gzip body inflates to more than " + maxBytes + " bytes: split it into smaller requests"
                        : "gzip body inflates more than " + maxRatio + " times its size: refused as a decompression bomb");
                }
                size += n;
            }
            int remaining = inflater.getRemaining();
            if (remaining < 8) {
                throw new Refused(400, "gzip body is cut short (no trailer)");
            }
            if (remaining > 8) {
                // Members after the first (concatenated gzip) are rare in uploads: refused rather than ignored.
                throw new Refused(400, "gzip body has more than one member: send one gzip stream");
            }
            return size;
        } catch (DataFormatException e) {
            throw new Refused(400, "body is not valid gzip (Content-Encoding: gzip): " + e.getMessage());
        } finally {
            inflater.end();
        }
    }

    /** The offset of the deflate data after the gzip header (RFC 1952). */
    private static int header(byte[] b) throws Refused {
        if (b.length < 18 || (b[0] & 0xff) != 0x1f || (b[1] & 0xff) != 0x8b) {
            throw new Refused(400, "body is not gzip although Content-Encoding says gzip");
        }
        if (b[2] != 8) {
            throw new Refused(400, "gzip body uses an unknown compression method " + b[2]);
        }
        int flags = b[3] & 0xff;
        int p = 10;
        if ((flags & 4) != 0) { // FEXTRA
            if (p + 2 > b.length) {
                throw new Refused(400, "gzip header is cut short");
            }
            p += 2 + ((b[p] & 0xff) | (b[p + 1] & 0xff) << 8);
        }
        if ((flags & 8) != 0) { // FNAME
            p = skipZeroTerminated(b, p);
        }
        if ((flags & 16) != 0) { // FCOMMENT
            p = skipZeroTerminated(b, p);
        }
        if ((flags & 2) != 0) { // FHCRC
            p += 2;
        }
        if (p >= b.length) {
            throw new Refused(400, "gzip header is cut short");
        }
        return p;
    }

    private static int skipZeroTerminated(byte[] b, int p) throws Refused {
        while (p < b.length && b[p] != 0) {
            p++;
        }
        if (p >= b.length) {
            throw new Refused(400, "gzip header is cut short");
        }
        return p + 1;
    }
}

package io.connwatch.engine.facts;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The lines of an input one at a time, numbered from 1, without their line ends and without a
 * leading byte-order mark; bytes are decoded as strict UTF-8 and a line that is not UTF-8 says
 * where it went wrong instead of being silently repaired. Nothing is read ahead of the line asked
 * for beyond one buffer, and no line, however long, needs a mark or a reset.
 */
abstract class InputLines {
    /**
     * One line.
     *
     * @param badByte offset from the start of the input of the first byte that is not UTF-8, or -1;
     *                {@code text} then holds the line with U+FFFD in its place
     * @param tooLong the line was longer than the limit and was skipped: {@code text} is empty
     */
    record Line(int number, String text, long badByte, boolean tooLong) {
    }

    /** The next line, or null at the end of the input. */
    abstract Line next() throws IOException;

    static InputLines of(String text) {
        return new OfString(text);
    }

    static InputLines of(Reader reader) {
        return new OfReader(reader);
    }

    /** @param maxLineBytes lines longer than this are reported as too long and skipped unread */
    static InputLines of(InputStream in, int maxLineBytes) {
        return new OfBytes(in, maxLineBytes);
    }

    private static String stripBom(String s, int number) {
        return number == 1 && !s.isEmpty() && s.charAt(0) == '\uFEFF' ? s.substring(1) : s;
    }

    private static final class OfString extends InputLines {
        private final String text;
        private int pos;
        private int number;

        OfString(String text) {
            this.text = text;
        }

        @Override
        Line next() {
            if (pos >= text.length()) {
                return null;
            }
            int nl = text.indexOf('\n', pos);
            int end = nl < 0 ? text.length() : nl;
            int stop = end > pos && text.charAt(end - 1) == '\r' ? end - 1 : end;
            String line = text.substring(pos, stop);
            pos = end + 1;
            number++;
            return new Line(number, stripBom(line, number), -1, false);
        }
    }

    private static final class OfReader extends InputLines {
        private final BufferedReader in;
        private int number;

        OfReader(Reader reader) {
            this.in = reader instanceof BufferedReader b ? b : new BufferedReader(reader, 1 << 16);
        }

        @Override
        Line next() throws IOException {
            String line = in.readLine();
            if (line == null) {
                return null;
            }
            number++;
            return new Line(number, stripBom(line, number), -1, false);
        }
    }

    private static final class OfBytes extends InputLines {
        private final InputStream in;
        private final int maxLineBytes;
        private final byte[] buf = new byte[1 << 16];
        private int pos;
        private int end;
        private boolean eof;
        /** Offset in the input of {@code buf[pos]}. */
        private long offset;
        private byte[] line = new byte[1024];
        private int length;
        private int number;
        private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

        OfBytes(InputStream in, int maxLineBytes) {
            this.in = in;
            this.maxLineBytes = maxLineBytes;
        }

        @Override
        Line next() throws IOException {
            long start = offset;
            length = 0;
            boolean tooLong = false;
            boolean any = false;
            while (true) {
                if (pos == end && !fill()) {
                    if (!any) {
                        return null;
                    }
                    break;
                }
                any = true;
                int nl = indexOfNewline(pos, end);
                int stop = nl < 0 ? end : nl;
                int n = stop - pos;
                if (!tooLong) {
                    if ((long) length + n > maxLineBytes) {
                        tooLong = true;
                    } else {
                        append(pos, n);
                    }
                }
                int consumed = nl < 0 ? n : n + 1;
                pos += consumed;
                offset += consumed;
                if (nl >= 0) {
                    break;
                }
            }
            number++;
            if (tooLong) {
                return new Line(number, "", -1, true);
            }
            int n = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
            int from = 0;
            if (number == 1 && n >= 3 && line[0] == (byte) 0xEF && line[1] == (byte) 0xBB && line[2] == (byte) 0xBF) {
                from = 3;
            }
            return decode(from, n, start);
        }

        private Line decode(int from, int to, long start) {
            boolean ascii = true;
            for (int i = from; i < to; i++) {
                if (line[i] < 0) {
                    ascii = false;
                    break;
                }
            }
            if (ascii) {
                return new Line(number, new String(line, from, to - from, StandardCharsets.ISO_8859_1), -1, false);
            }
            ByteBuffer bytes = ByteBuffer.wrap(line, from, to - from);
            CharBuffer chars = CharBuffer.allocate(to - from);
            utf8.reset();
            CoderResult result = utf8.decode(bytes, chars, true);
            if (result.isError()) {
                long bad = start + bytes.position();
                return new Line(number, new String(line, from, to - from, StandardCharsets.UTF_8), bad, false);
            }
            utf8.flush(chars);
            return new Line(number, stripBom(chars.flip().toString(), number), -1, false);
        }

        private int indexOfNewline(int from, int to) {
            for (int i = from; i < to; i++) {
                if (buf[i] == '\n') {
                    return i;
                }
            }
            return -1;
        }

        private void append(int from, int n) {
            if (length + n > line.length) {
                byte[] bigger = new byte[Math.max(length + n, Math.min(maxLineBytes, line.length * 2))];
                System.arraycopy(line, 0, bigger, 0, length);
                line = bigger;
            }
            System.arraycopy(buf, from, line, length, n);
            length += n;
        }

        private boolean fill() throws IOException {
            if (eof) {
                return false;
            }
            int n;
            do {
                n = in.read(buf, 0, buf.length);
            } while (n == 0);
            if (n < 0) {
                eof = true;
                return false;
            }
            pos = 0;
            end = n;
            return true;
        }
    }
}

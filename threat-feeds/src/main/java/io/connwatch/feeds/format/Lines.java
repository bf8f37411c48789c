package io.connwatch.feeds.format;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;

/** Line-by-line reading with line numbers, shared by the text formats. */
final class Lines {
    interface LineHandler {
        void line(int number, String text) throws IOException;
    }

    private Lines() {
    }

    static void each(Reader in, LineHandler handler) throws IOException {
        BufferedReader r = in instanceof BufferedReader b ? b : new BufferedReader(in);
        String line;
        int n = 0;
        while ((line = r.readLine()) != null) {
            n++;
            if (n == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
                line = line.substring(1);
            }
            handler.line(n, line);
        }
    }

    /** The text before a comment marker, trimmed. */
    static String uncomment(String line, char... markers) {
        int cut = line.length();
        for (char m : markers) {
            int i = line.indexOf(m);
            if (i >= 0 && i < cut) {
                cut = i;
            }
        }
        return line.substring(0, cut).trim();
    }

    static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}

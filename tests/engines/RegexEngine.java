import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Answers "does this pattern match this value?" with java.util.regex, for the conformance suite's tests
 * (tests/external_engines.py), so that they can ask a real Java engine rather than an imitation of one.
 *
 * <p>Protocol: one JSON object per line on stdin, one JSON object per line on stdout, flushed after each.
 * Request: {"pattern": string, "value": string, "fullmatch": boolean}. Response: {"match": boolean}, or
 * {"error": string, "kind": "syntax"} when the pattern does not compile, {"error": ..., "kind": "runtime"}
 * when matching itself fails (a StackOverflowError on a long value, say), {"error": ..., "kind":
 * "request"} when the line is not such a request. Blank lines are ignored; the program exits at end of
 * input.
 *
 * <p>Semantics: Pattern.compile(pattern) with no flags, as a Java service that validates with the model's
 * patterns would; fullmatch uses Matcher.matches(), otherwise Matcher.find().
 *
 * <p>The JDK has no JSON library, hence the small parser below. Strings are UTF-16 throughout, as Java's
 * are: \\uXXXX escapes become chars one for one, so a surrogate pair becomes the astral character and a
 * lone surrogate stays a lone surrogate, which is what a Java service would see after decoding JSON.
 * Lone surrogates in output (error messages quote the pattern) are written as escapes, since UTF-8 cannot
 * carry them.
 */
public final class RegexEngine {
    private static final int PATTERN_CACHE_SIZE = 1024;

    /** Compiled patterns, least recently used first: the same pattern is usually asked about many times. */
    private static final Map<String, Pattern> PATTERNS =
            new LinkedHashMap<String, Pattern>(PATTERN_CACHE_SIZE * 2, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Pattern> eldest) {
                    return size() > PATTERN_CACHE_SIZE;
                }
            };

    private RegexEngine() {}

    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(
                new InputStreamReader(new FileInputStream(FileDescriptor.in), StandardCharsets.UTF_8));
        BufferedWriter out = new BufferedWriter(
                new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.trim().isEmpty()) {
                continue;
            }
            out.write(answer(line));
            out.write('\n');
            out.flush();
        }
    }

    /** The response line for one request line; never throws, so one bad request cannot end the program. */
    static String answer(String line) {
        String pattern;
        String value;
        boolean fullmatch;
        try {
            Object parsed = new Json(line).document();
            if (!(parsed instanceof Map)) {
                return error("request", "a request is a JSON object");
            }
            Map<?, ?> request = (Map<?, ?>) parsed;
            Object p = request.get("pattern");
            Object v = request.get("value");
            Object f = request.get("fullmatch");
            if (!(p instanceof String) || !(v instanceof String) || !(f instanceof Boolean)) {
                return error("request", "a request needs string pattern, string value, boolean fullmatch");
            }
            Object flags = request.get("flags");
            if (flags != null && !"".equals(flags)) {
                // Refused rather than ignored, so that nobody believes a flag was applied.
                return error("request", "the Java engine takes no flags");
            }
            pattern = (String) p;
            value = (String) v;
            fullmatch = (Boolean) f;
        } catch (JsonException e) {
            return error("request", "malformed JSON: " + e.getMessage());
        }

        Pattern compiled;
        try {
            compiled = compile(pattern);
        } catch (PatternSyntaxException e) {
            return error("syntax", e.getMessage());
        } catch (Throwable e) { // StackOverflowError on a deeply nested pattern: a limit, not a verdict
            return error("runtime", e.toString());
        }
        try {
            boolean match = fullmatch ? compiled.matcher(value).matches() : compiled.matcher(value).find();
            return match ? "{\"match\":true}" : "{\"match\":false}";
        } catch (Throwable e) { // StackOverflowError: java.util.regex recurses per repetition
            return error("runtime", e.toString());
        }
    }

    private static Pattern compile(String pattern) {
        Pattern compiled = PATTERNS.get(pattern);
        if (compiled == null) {
            compiled = Pattern.compile(pattern);
            PATTERNS.put(pattern, compiled);
        }
        return compiled;
    }

    private static String error(String kind, String message) {
        return "{\"error\":" + quote(message == null ? "" : message) + ",\"kind\":" + quote(kind) + "}";
    }

    /** A JSON string literal for s: ASCII controls and lone surrogates escaped, everything else as is. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2);
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': b.append("\\\""); break;
                case '\\': b.append("\\\\"); break;
                case '\n': b.append("\\n"); break;
                case '\r': b.append("\\r"); break;
                case '\t': b.append("\\t"); break;
                case '\b': b.append("\\b"); break;
                case '\f': b.append("\\f"); break;
                default:
                    if (Character.isHighSurrogate(c) && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1))) {
                        b.append(c).append(s.charAt(i + 1));
                        i++;
                    } else if (c < 0x20 || c == 0x7f || Character.isSurrogate(c)
                            || c == '\u2028' || c == '\u2029') {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
            }
        }
        return b.append('"').toString();
    }

    static final class JsonException extends Exception {
        private static final long serialVersionUID = 1L;

        JsonException(String message) {
            super(message);
        }
    }

    /**
     * A strict RFC 8259 parser: objects become Maps, arrays Lists, strings Strings, true/false Booleans,
     * numbers Doubles, null null. Requests are small, so recursion depth is bounded only by nesting.
     */
    static final class Json {
        private final String text;
        private int at;

        Json(String text) {
            this.text = text;
        }

        Object document() throws JsonException {
            Object value = value();
            skipWhitespace();
            if (at != text.length()) {
                throw fail("trailing characters");
            }
            return value;
        }

        private JsonException fail(String what) {
            return new JsonException(what + " at offset " + at);
        }

        private void skipWhitespace() {
            while (at < text.length()) {
                char c = text.charAt(at);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    return;
                }
                at++;
            }
        }

        private Object value() throws JsonException {
            skipWhitespace();
            if (at >= text.length()) {
                throw fail("unexpected end of input");
            }
            char c = text.charAt(at);
            switch (c) {
                case '{': return object();
                case '[': return array();
                case '"': return string();
                case 't': return literal("true", Boolean.TRUE);
                case 'f': return literal("false", Boolean.FALSE);
                case 'n': return literal("null", null);
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        return number();
                    }
                    throw fail("unexpected character");
            }
        }

        private Object literal(String word, Object result) throws JsonException {
            if (!text.startsWith(word, at)) {
                throw fail("unexpected literal");
            }
            at += word.length();
            return result;
        }

        private Map<String, Object> object() throws JsonException {
            Map<String, Object> result = new LinkedHashMap<>();
            at++; // {
            skipWhitespace();
            if (at < text.length() && text.charAt(at) == '}') {
                at++;
                return result;
            }
            while (true) {
                skipWhitespace();
                if (at >= text.length() || text.charAt(at) != '"') {
                    throw fail("expected a member name");
                }
                String name = string();
                skipWhitespace();
                expect(':');
                result.put(name, value());
                skipWhitespace();
                if (at < text.length() && text.charAt(at) == ',') {
                    at++;
                    continue;
                }
                expect('}');
                return result;
            }
        }

        private List<Object> array() throws JsonException {
            List<Object> result = new ArrayList<>();
            at++; // [
            skipWhitespace();
            if (at < text.length() && text.charAt(at) == ']') {
                at++;
                return result;
            }
            while (true) {
                result.add(value());
                skipWhitespace();
                if (at < text.length() && text.charAt(at) == ',') {
                    at++;
                    continue;
                }
                expect(']');
                return result;
            }
        }

        private void expect(char c) throws JsonException {
            if (at >= text.length() || text.charAt(at) != c) {
                throw fail("expected '" + c + "'");
            }
            at++;
        }

        private Double number() throws JsonException {
            int start = at;
            if (text.charAt(at) == '-') {
                at++;
            }
            if (at < text.length() && text.charAt(at) == '0') {
                at++;
            } else if (!digits()) {
                throw fail("malformed number");
            }
            if (at < text.length() && text.charAt(at) == '.') {
                at++;
                if (!digits()) {
                    throw fail("malformed number");
                }
            }
            if (at < text.length() && (text.charAt(at) == 'e' || text.charAt(at) == 'E')) {
                at++;
                if (at < text.length() && (text.charAt(at) == '+' || text.charAt(at) == '-')) {
                    at++;
                }
                if (!digits()) {
                    throw fail("malformed number");
                }
            }
            return Double.valueOf(text.substring(start, at));
        }

        private boolean digits() {
            int start = at;
            while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
                at++;
            }
            return at > start;
        }

        private String string() throws JsonException {
            at++; // opening quote
            StringBuilder b = new StringBuilder();
            while (true) {
                if (at >= text.length()) {
                    throw fail("unterminated string");
                }
                char c = text.charAt(at++);
                if (c == '"') {
                    return b.toString();
                }
                if (c < 0x20) {
                    throw fail("unescaped control character in string");
                }
                if (c != '\\') {
                    b.append(c); // includes both halves of an astral character read as raw UTF-8
                    continue;
                }
                if (at >= text.length()) {
                    throw fail("unterminated escape");
                }
                char e = text.charAt(at++);
                switch (e) {
                    case '"': b.append('"'); break;
                    case '\\': b.append('\\'); break;
                    case '/': b.append('/'); break;
                    case 'b': b.append('\b'); break;
                    case 'f': b.append('\f'); break;
                    case 'n': b.append('\n'); break;
                    case 'r': b.append('\r'); break;
                    case 't': b.append('\t'); break;
                    case 'u':
                        // One UTF-16 code unit per escape: a surrogate pair arrives as two escapes and
                        // ends up as the two chars of its astral character; a lone surrogate stays alone.
                        b.append(hex4());
                        break;
                    default:
                        throw fail("invalid escape");
                }
            }
        }

        private char hex4() throws JsonException {
            if (at + 4 > text.length()) {
                throw fail("truncated \\u escape");
            }
            int code = 0;
            for (int i = 0; i < 4; i++) {
                char h = text.charAt(at + i);
                int digit; // ASCII only: Character.digit would also take fullwidth and other digits
                if (h >= '0' && h <= '9') {
                    digit = h - '0';
                } else if (h >= 'a' && h <= 'f') {
                    digit = h - 'a' + 10;
                } else if (h >= 'A' && h <= 'F') {
                    digit = h - 'A' + 10;
                } else {
                    throw fail("invalid \\u escape");
                }
                code = code * 16 + digit;
            }
            at += 4;
            return (char) code;
        }
    }
}

package sanad.solr;

import java.util.Map;
import java.util.StringJoiner;

/** The few JSON event lines the launcher prints; flat objects of strings and numbers only. */
final class Json {
  private Json() {}

  static String object(Map<String, ?> fields) {
    StringJoiner out = new StringJoiner(",", "{", "}");
    for (Map.Entry<String, ?> e : fields.entrySet()) {
      out.add(quote(e.getKey()) + ":" + value(e.getValue()));
    }
    return out.toString();
  }

  @SuppressWarnings("unchecked")
  private static String value(Object v) {
    if (v == null) return "null";
    if (v instanceof Number || v instanceof Boolean) return v.toString();
    if (v instanceof Map) return object((Map<String, ?>) v);
    if (v instanceof Iterable) {
      StringJoiner out = new StringJoiner(",", "[", "]");
      for (Object item : (Iterable<?>) v) out.add(value(item));
      return out.toString();
    }
    return quote(v.toString());
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
          else b.append(c);
        }
      }
    }
    return b.append('"').toString();
  }
}

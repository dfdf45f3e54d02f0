package sanad.solr;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ZooKeeper and N Solr nodes, each in its own JVM so that a node can be SIGKILLed like a machine
 * that dies. Prints a `cluster-ready` event with the ZooKeeper host and node URLs, then takes
 * commands on stdin, one per line:
 *
 * <pre>
 *   kill I    SIGKILL node I (0-based); prints node-killed
 *   start I   start node I again on the port it had (it rejoins as the same node); prints node-ready
 *   stop      stop everything and exit (so does closing stdin)
 * </pre>
 *
 * Node I logs to DIR/node-I.log, ZooKeeper to DIR/zk.log.
 */
final class Cluster {
  private static final Pattern FIELD = Pattern.compile("\"(\\w+)\":(\"[^\"]*\"|\\d+)");
  private static final long START_TIMEOUT_S = 120;

  private final Path dir;
  private final String heap;
  private final String zkTimeoutMs;
  private Child zk;
  private String zkHost;
  private final List<Child> nodes = new ArrayList<>();
  private final List<Integer> ports = new ArrayList<>();

  private Cluster(Path dir, String heap, String zkTimeoutMs) {
    this.dir = dir;
    this.heap = heap;
    this.zkTimeoutMs = zkTimeoutMs;
  }

  static void main(String[] args) throws Exception {
    Path dir = null;
    int n = 3;
    String heap = "256m";
    String zkTimeout = "8000";
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--dir" -> dir = Path.of(require(value, "--dir"));
        case "--nodes" -> n = Integer.parseInt(require(value, "--nodes"));
        case "--heap" -> heap = require(value, "--heap");
        case "--zk-timeout-ms" -> zkTimeout = require(value, "--zk-timeout-ms");
        default -> Launcher.usage("unknown cluster option " + args[i]);
      }
      i++;
    }
    if (dir == null) Launcher.usage("cluster needs --dir DIR");
    if (n < 1 || n > 9) Launcher.usage("--nodes must be 1 to 9");
    Cluster cluster = new Cluster(dir.toAbsolutePath(), heap, zkTimeout);
    Runtime.getRuntime().addShutdownHook(new Thread(cluster::destroyAll));
    try {
      cluster.start(n);
      cluster.serve();
    } finally {
      cluster.destroyAll();
    }
    System.exit(0);
  }

  private static String require(String value, String flag) {
    if (value == null) Launcher.usage(flag + " needs a value");
    return value;
  }

  private void start(int n) throws Exception {
    Files.createDirectories(dir);
    long t0 = System.nanoTime();
    zk = spawn("zk.log", "zk", dir.resolve("zookeeper").toString());
    zkHost = zk.ready.get(START_TIMEOUT_S, TimeUnit.SECONDS).get("zkHost");
    List<Child> starting = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      starting.add(spawnNode(i, 0));
    }
    List<Map<String, Object>> urls = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Map<String, String> ready = starting.get(i).ready.get(START_TIMEOUT_S, TimeUnit.SECONDS);
      nodes.add(starting.get(i));
      ports.add(Integer.parseInt(ready.get("port")));
      urls.add(nodeEvent(i, ready));
    }
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("event", "cluster-ready");
    event.put("zkHost", zkHost);
    event.put("nodes", urls);
    event.put("dir", dir.toString());
    event.put("ms", (System.nanoTime() - t0) / 1_000_000);
    Launcher.emit(Json.object(event));
  }

  private Map<String, Object> nodeEvent(int index, Map<String, String> ready) {
    Map<String, Object> node = new LinkedHashMap<>();
    node.put("index", index);
    node.put("url", ready.get("url"));
    node.put("port", Integer.parseInt(ready.get("port")));
    node.put("nodeName", ready.get("nodeName"));
    node.put("pid", Long.parseLong(ready.get("pid")));
    return node;
  }

  private Child spawnNode(int index, int port) throws IOException {
    return spawn("node-" + index + ".log", "node", zkHost, dir.resolve("node-" + index).toString(), Integer.toString(port));
  }

  /** Reads commands until stdin closes or says stop. */
  private void serve() throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String[] words = line.trim().split("\\s+");
      if (words.length == 0 || words[0].isEmpty()) continue;
      try {
        switch (words[0]) {
          case "stop" -> {
            return;
          }
          case "kill" -> kill(index(words));
          case "start" -> restart(index(words));
          default -> error("unknown command: " + line.trim());
        }
      } catch (Exception e) {
        error(words[0] + " failed: " + e);
      }
    }
  }

  private int index(String[] words) {
    if (words.length != 2) throw new IllegalArgumentException("expected: " + words[0] + " INDEX");
    int i = Integer.parseInt(words[1]);
    if (i < 0 || i >= nodes.size()) throw new IllegalArgumentException("no node " + i);
    return i;
  }

  private void kill(int i) throws InterruptedException {
    Process p = nodes.get(i).process;
    // destroyForcibly is SIGKILL on Linux: no shutdown hook, no clean ZooKeeper session close.
    p.destroyForcibly();
    p.waitFor();
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("event", "node-killed");
    event.put("index", i);
    event.put("pid", p.pid());
    Launcher.emit(Json.object(event));
  }

  private void restart(int i) throws Exception {
    if (nodes.get(i).process.isAlive()) throw new IllegalStateException("node " + i + " is running");
    Child child = spawnNode(i, ports.get(i));
    Map<String, String> ready = child.ready.get(START_TIMEOUT_S, TimeUnit.SECONDS);
    nodes.set(i, child);
    Map<String, Object> event = nodeEvent(i, ready);
    event.put("event", "node-ready");
    Launcher.emit(Json.object(event));
  }

  private static void error(String message) {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("event", "error");
    event.put("message", message);
    Launcher.emit(Json.object(event));
  }

  private synchronized void destroyAll() {
    for (Child c : nodes) c.process.destroyForcibly();
    if (zk != null) zk.process.destroyForcibly();
  }

  /** A child JVM and the first event line it prints (its ready line). */
  private record Child(Process process, CompletableFuture<Map<String, String>> ready) {}

  private Child spawn(String logName, String... command) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-Xmx" + heap);
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-Xlog:disable");
    cmd.add("-Xlog:all=warning:stderr");
    cmd.add("-Dsolr.zkclienttimeout=" + zkTimeoutMs);
    cmd.add("-Dsolr.log.muteconsole=true");
    cmd.add("-Dsolr.log.dir=" + dir);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Launcher.class.getName());
    cmd.addAll(List.of(command));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve(logName).toFile()));
    Process p = pb.start();
    CompletableFuture<Map<String, String>> ready = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                  if (!ready.isDone() && line.startsWith("{")) ready.complete(parse(line));
                }
              } catch (IOException ignored) {
                // The child died; `ready` fails below.
              }
              ready.completeExceptionally(new IllegalStateException(logName + ": process exited before it was ready; see " + dir.resolve(logName)));
            },
            "read-" + logName);
    reader.setDaemon(true);
    reader.start();
    // The child's stdin stays open: when this JVM dies, however, the pipe closes and the child exits.
    OutputStream ignored = p.getOutputStream();
    return new Child(p, ready);
  }

  private static Map<String, String> parse(String line) {
    Map<String, String> out = new LinkedHashMap<>();
    Matcher m = FIELD.matcher(line);
    while (m.find()) {
      String v = m.group(2);
      out.put(m.group(1), v.startsWith("\"") ? v.substring(1, v.length() - 1) : v);
    }
    return out;
  }
}

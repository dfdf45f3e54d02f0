package sanad.solr;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Entry point of the local SolrCloud used by `npm run test:solr` and for development.
 *
 * <pre>
 *   cluster --dir DIR [--nodes 3] [--heap 256m]   ZooKeeper + N Solr nodes, one JVM each
 *   zk DIR                                        one ZooKeeper server (a child of `cluster`)
 *   node ZKHOST HOME PORT                         one Solr node (a child of `cluster`)
 * </pre>
 *
 * Every process prints one-line JSON events on stdout and logs on stderr. Children exit when
 * their stdin closes, so nothing outlives the process that started it, even after a SIGKILL.
 */
public final class Launcher {
  private Launcher() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) usage("missing command");
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (args[0]) {
      case "cluster" -> Cluster.main(rest);
      case "zk" -> ZkProcess.main(rest);
      case "node" -> NodeProcess.main(rest);
      default -> usage("unknown command " + args[0]);
    }
  }

  static void usage(String why) {
    System.err.println("sanad solr launcher: " + why);
    System.err.println("usage: cluster --dir DIR [--nodes N] [--heap SIZE] | zk DIR | node ZKHOST HOME PORT");
    System.exit(2);
  }

  /** Prints one event line on stdout, whole, even when several threads print. */
  static synchronized void emit(String json) {
    System.out.println(json);
    System.out.flush();
  }

  /** Blocks until stdin closes (the parent exited or asked us to), then returns. */
  static void awaitStdinClose() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      while (in.readLine() != null) {
        // Children take no commands; any line is ignored.
      }
    } catch (Exception ignored) {
      // A broken pipe means the same as EOF: the parent is gone.
    }
  }
}

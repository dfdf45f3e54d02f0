package sanad.solr;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.solr.cloud.ZkTestServer;

/** One ZooKeeper server on an ephemeral port, with the `/solr` chroot the nodes use. */
final class ZkProcess {
  private ZkProcess() {}

  static void main(String[] args) throws Exception {
    if (args.length != 1) Launcher.usage("zk takes one argument: DIR");
    Path dir = Path.of(args[0]).toAbsolutePath();
    Files.createDirectories(dir);
    // ZooKeeper 3.9 would otherwise start an admin web server on port 8080.
    System.setProperty("zookeeper.admin.enableServer", "false");
    ZkTestServer zk = new ZkTestServer(dir);
    zk.run(true);
    Map<String, Object> ready = new LinkedHashMap<>();
    ready.put("event", "zk-ready");
    ready.put("zkHost", zk.getZkAddress());
    ready.put("pid", ProcessHandle.current().pid());
    Launcher.emit(Json.object(ready));
    Launcher.awaitStdinClose();
    Runtime.getRuntime().halt(0);
  }
}

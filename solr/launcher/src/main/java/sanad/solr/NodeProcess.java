package sanad.solr;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

/** One Solr node (Jetty + CoreContainer) joined to the cluster at ZKHOST. */
final class NodeProcess {
  private NodeProcess() {}

  /** solr.xml of every node: loopback host, the port Jetty actually bound, metrics off. */
  static final String SOLR_XML =
      """
      <solr>
        <str name="allowPaths">${solr.allowPaths:}</str>
        <str name="coreRootDirectory">${coreRootDirectory:.}</str>
        <shardHandlerFactory name="shardHandlerFactory" class="HttpShardHandlerFactory">
          <int name="socketTimeout">${socketTimeout:30000}</int>
          <int name="connTimeout">${connTimeout:5000}</int>
        </shardHandlerFactory>
        <solrcloud>
          <str name="host">127.0.0.1</str>
          <int name="hostPort">${hostPort:8983}</int>
          <str name="hostContext">solr</str>
          <int name="zkClientTimeout">${solr.zkclienttimeout:15000}</int>
          <bool name="genericCoreNodeNames">true</bool>
          <int name="leaderVoteWait">${leaderVoteWait:10000}</int>
          <int name="distribUpdateConnTimeout">5000</int>
          <int name="distribUpdateSoTimeout">60000</int>
        </solrcloud>
        <metrics enabled="false"/>
      </solr>
      """;

  static void main(String[] args) throws Exception {
    if (args.length != 3) Launcher.usage("node takes three arguments: ZKHOST HOME PORT");
    String zkHost = args[0];
    Path home = Path.of(args[1]).toAbsolutePath();
    int port = Integer.parseInt(args[2]);
    Files.createDirectories(home);
    Files.writeString(home.resolve("solr.xml"), SOLR_XML, StandardCharsets.UTF_8);
    Properties props = new Properties();
    props.setProperty("zkHost", zkHost);
    JettyConfig config = JettyConfig.builder().setPort(port).setContext("/solr").stopAtShutdown(false).build();
    JettySolrRunner jetty = new JettySolrRunner(home.toString(), props, config);
    jetty.start();
    Map<String, Object> ready = new LinkedHashMap<>();
    ready.put("event", "node-ready");
    ready.put("url", jetty.getBaseUrl().toString());
    ready.put("port", jetty.getLocalPort());
    ready.put("nodeName", jetty.getNodeName());
    ready.put("pid", ProcessHandle.current().pid());
    Launcher.emit(Json.object(ready));
    Launcher.awaitStdinClose();
    // Halt rather than stop: the parent is gone, and a clean stop of Jetty takes seconds.
    Runtime.getRuntime().halt(0);
  }
}

// Starts embedded Neo4j Community with Bolt on 127.0.0.1:PORT, for innonet's tests and for
// developers (docs/neo4j.md, "A local server"). Java 17 runs it without a compile step:
//
//     java -Xmx2g -cp 'JARS/*' Launcher.java DATA_DIR PORT PASSWORD_FILE [PLUGINS_DIR]
//
// DATA_DIR       a folder for the database (created; a fresh one gives an empty graph)
// PORT           the Bolt port on 127.0.0.1
// PASSWORD_FILE  a file holding the password of user neo4j (read, never printed)
// PLUGINS_DIR    a folder of procedure jars (Graph Data Science), whose gds.* run unrestricted
//
// The settings go to DATA_DIR/neo4j.conf, which the server then loads: Bolt on loopback only,
// auth on, usage reporting off, a 512 MiB page cache, and a transaction memory limit of 1 GiB
// (so an oversized transaction fails with a clear memory error instead of exhausting the heap).
// The heap is the JVM's -Xmx. The server prints exactly one line to standard output,
// "neo4j ready bolt://127.0.0.1:PORT", once the password is set and Bolt answers, and shuts the
// database down cleanly on SIGTERM or SIGINT.
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;

public class Launcher {
    public static void main(String[] args) throws Exception {
        if (args.length < 3 || args.length > 4) {
            System.err.println("usage: Launcher DATA_DIR PORT PASSWORD_FILE [PLUGINS_DIR]");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        String password = Files.readString(Path.of(args[2])).strip();
        if (password.length() < 8) {
            System.err.println("the password must have at least 8 characters");
            System.exit(2);
        }
        Files.createDirectories(home);
        List<String> settings = new ArrayList<>(List.of(
                "server.bolt.enabled=true",
                "server.bolt.listen_address=127.0.0.1:" + port,
                "server.bolt.advertised_address=127.0.0.1:" + port,
                "server.http.enabled=false",
                "dbms.security.auth_enabled=true",
                "dbms.usage_report.enabled=false",
                "server.memory.pagecache.size=512m",
                "db.memory.transaction.max=1g",
                "db.logs.query.enabled=OFF"));
        if (args.length == 4) {
            settings.add("server.directories.plugins=" + Path.of(args[3]).toAbsolutePath());
            settings.add("dbms.security.procedures.unrestricted=gds.*");
        }
        Path conf = home.resolve("neo4j.conf");
        Files.write(conf, settings);

        DatabaseManagementService dbms =
                new DatabaseManagementServiceBuilder(home).loadPropertiesFromFile(conf).build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dbms.shutdown();
            stopped.countDown();
        }, "neo4j-shutdown"));

        // Embedded transactions run without auth: set the password before anyone is told the port.
        dbms.database("system").executeTransactionally(
                "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                Map.of("password", password));
        dbms.database("neo4j").executeTransactionally("RETURN 1");
        System.out.println("neo4j ready bolt://127.0.0.1:" + port);
        System.out.flush();
        stopped.await();
    }
}

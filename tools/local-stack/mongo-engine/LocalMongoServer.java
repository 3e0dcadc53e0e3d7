import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.AbstractMongoBackend;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/**
 * Runs mongo-java-server for the local stack on the given address. Its own H2MongoServer main
 * binds a fixed port (localhost:27017), hence this launcher.
 *
 * Usage: LocalMongoServer HOST PORT memory|FILE
 *   memory  everything in the heap (test and bench profiles start fresh anyway)
 *   FILE    H2 MVStore file (dev profile): committed on SIGTERM, and every second meanwhile
 */
public final class LocalMongoServer {
    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: LocalMongoServer HOST PORT memory|FILE");
            System.exit(2);
        }
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        AbstractMongoBackend backend = "memory".equals(args[2]) ? new MemoryBackend() : new H2Backend(args[2]);
        MongoServer server = new MongoServer(backend);
        // Closes the backend too, which commits and closes an H2 file.
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow, "shutdown"));
        server.bind(host, port);
        System.out.println("listening on " + host + ":" + port + " (" + args[2] + ")");
    }
}

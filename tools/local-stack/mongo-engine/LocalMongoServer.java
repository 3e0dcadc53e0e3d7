import java.util.List;

import org.h2.mvstore.MVMap;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.AbstractMongoBackend;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;
import de.bwaldvogel.mongo.bson.Document;

/**
 * Runs mongo-java-server for the local stack on the given address. Its own H2MongoServer main
 * binds a fixed port (localhost:27017), hence this launcher.
 *
 * Usage: LocalMongoServer HOST PORT memory|FILE
 *   memory  everything in the heap (test and bench profiles start fresh anyway)
 *   FILE    H2 MVStore file (dev profile): committed on SIGTERM, and every second meanwhile
 *
 * One change to how it finds documents: mongo-java-server uses an index only when a filter names
 * exactly the index's fields, so a version-guarded write ({_id, version}: the outbox's
 * compare-and-set, the view's upserts) scanned the whole collection, O(n) per write. Here a filter
 * that pins every field of a unique index (equality or $in) is narrowed by that index first and
 * then matched whole, as before; the result is the same, the scan is gone.
 */
public final class LocalMongoServer {
    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: LocalMongoServer HOST PORT memory|FILE");
            System.exit(2);
        }
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        AbstractMongoBackend backend = "memory".equals(args[2]) ? new NarrowingMemoryBackend() : new NarrowingH2Backend(args[2]);
        MongoServer server = new MongoServer(backend);
        // Closes the backend too, which commits and closes an H2 file.
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow, "shutdown"));
        server.bind(host, port);
        System.out.println("listening on " + host + ":" + port + " (" + args[2] + ")");
    }

    /**
     * Positions of the documents that may match `query`, from a unique index all of whose fields
     * the query pins; null when an index takes the query as it is (upstream's path) or none helps.
     */
    static <P> Iterable<P> narrow(List<Index<P>> indexes, Document query) {
        for (Index<P> index : indexes) {
            if (index.canHandle(query)) return null;
        }
        for (Index<P> index : indexes) {
            Document pinned = new Document();
            for (IndexKey key : index.getKeys()) {
                if (!query.containsKey(key.getKey())) {
                    pinned = null;
                    break;
                }
                pinned.put(key.getKey(), query.get(key.getKey()));
            }
            if (pinned != null && !pinned.isEmpty() && index.canHandle(pinned)) return index.getPositions(pinned);
        }
        return null;
    }

    static final class NarrowingMemoryBackend extends MemoryBackend {
        @Override
        public MemoryDatabase openOrCreateDatabase(String databaseName) {
            return new MemoryDatabase(databaseName, getCursorRegistry()) {
                @Override
                protected MemoryCollection openOrCreateCollection(String collectionName, CollectionOptions options) {
                    return new MemoryCollection(this, collectionName, options, cursorRegistry) {
                        @Override
                        protected QueryResult queryDocuments(Document query, Document orderBy, int skip, int limit, int batchSize, Document fields) {
                            Iterable<Integer> positions = narrow(getIndexes(), query);
                            return positions == null
                                ? super.queryDocuments(query, orderBy, skip, limit, batchSize, fields)
                                : matchDocuments(query, positions, orderBy, skip, limit, batchSize, fields);
                        }
                    };
                }
            };
        }
    }

    static final class NarrowingH2Backend extends H2Backend {
        NarrowingH2Backend(String fileName) {
            super(fileName);
        }

        @Override
        protected MongoDatabase openOrCreateDatabase(String databaseName) {
            return new H2Database(databaseName, getMvStore(), getCursorRegistry()) {
                @Override
                protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
                    // The map names H2Database itself uses, so existing files open as before.
                    String fullName = getFullCollectionNamespace(collectionName);
                    MVMap<Object, Document> dataMap = getMvStore().openMap("databases." + fullName);
                    MVMap<String, Object> metaMap = getMvStore().openMap("meta." + fullName);
                    return new H2Collection(this, collectionName, options, dataMap, metaMap, cursorRegistry) {
                        @Override
                        protected QueryResult queryDocuments(Document query, Document orderBy, int skip, int limit, int batchSize, Document fields) {
                            Iterable<Object> positions = narrow(getIndexes(), query);
                            return positions == null
                                ? super.queryDocuments(query, orderBy, skip, limit, batchSize, fields)
                                : matchDocuments(query, positions, orderBy, skip, limit, batchSize, fields);
                        }
                    };
                }
            };
        }
    }
}

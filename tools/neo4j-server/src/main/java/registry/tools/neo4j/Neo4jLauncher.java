package registry.tools.neo4j;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.neo4j.configuration.Config;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.SettingValueParsers;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.graphdb.QueryExecutionException;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilder;
import org.neo4j.harness.Neo4jBuilders;
import org.neo4j.io.fs.DefaultFileSystemAbstraction;
import org.neo4j.kernel.api.security.AuthManager;
import org.neo4j.kernel.impl.security.User;
import org.neo4j.logging.NullLogProvider;
import org.neo4j.memory.EmptyMemoryTracker;
import org.neo4j.server.security.SecureHasher;
import org.neo4j.server.security.SystemGraphCredential;
import org.neo4j.server.security.auth.CommunitySecurityModule;
import org.neo4j.server.security.auth.FileUserRepository;
import org.neo4j.string.UTF8;

/**
 * Starts a real Neo4j Community (5.26 LTS) in-process for tests and local use.
 *
 * <p>Bolt only (HTTP disabled) on 127.0.0.1, authentication on with a generated (or given)
 * password for user {@code neo4j}. When ready it prints {@code REGISTRY_NEO4J_*=...} assignments
 * and a final {@code NEO4J_READY} line to stdout; everything else goes to stderr. Stops cleanly on
 * SIGTERM/SIGINT and, with {@code --exit-on-stdin-eof}, when stdin is closed.
 */
public final class Neo4jLauncher {

    private static final String USER = AuthManager.INITIAL_USER_NAME; // "neo4j"
    private static final String HOST = "127.0.0.1";

    /** The real stdout, reserved for the machine-readable lines. */
    private static final PrintStream OUT = System.out;

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    /** Private scratch directory (Neo4j home, throw-away store, JVM temp files); deleted on exit. */
    private static volatile Path workDir;
    /** Where Neo4j writes its logs (for dumping them when start-up fails). */
    private static volatile Path logsDir;

    private static volatile Neo4j neo4j;
    private static volatile boolean shuttingDown;
    private static final CountDownLatch START_DONE = new CountDownLatch(1);
    private static final CountDownLatch STOPPED = new CountDownLatch(1);

    private Neo4jLauncher() {}

    public static void main(String[] args) {
        // Nothing but our own lines may reach stdout: route every other System.out user to stderr.
        System.setOut(System.err);

        Options opts;
        try {
            opts = Options.parse(args);
        } catch (IllegalArgumentException e) {
            log("error: " + e.getMessage());
            System.err.println(Options.USAGE);
            deleteGivenWorkDir();
            System.exit(2);
            return;
        }
        if (opts.help) {
            System.err.println(Options.USAGE);
            deleteGivenWorkDir();
            return;
        }

        try {
            workDir = workDir();
        } catch (IOException e) {
            log("cannot create a work directory: " + e);
            System.exit(1);
            return;
        }

        Runtime.getRuntime().addShutdownHook(new Thread(Neo4jLauncher::shutdown, "neo4j-launcher-shutdown"));
        if (opts.exitOnStdinEof) {
            startStdinWatcher();
        }

        Throwable failure = null;
        try {
            start(opts);
        } catch (Throwable t) {
            failure = t;
        }
        START_DONE.countDown();
        if (failure != null) {
            if (!shuttingDown) {
                dumpLogs();
                log("Neo4j failed to start: " + failure);
                failure.printStackTrace(System.err);
            }
            System.exit(1);
            return;
        }

        if (opts.exitWhenReady) {
            System.exit(0); // the shutdown hook stops Neo4j
        }
        try {
            STOPPED.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void start(Options opts) throws IOException {
        long t0 = System.nanoTime();
        String password = opts.password != null ? opts.password : randomString(32);

        Neo4jBuilder builder = Neo4jBuilders.newInProcessBuilder(workDir)
                .withDisabledServer()
                .withConfig(BoltConnector.enabled, true)
                .withConfig(BoltConnector.listen_address, new SocketAddress(HOST, opts.port))
                .withConfig(BoltConnector.advertised_address, new SocketAddress(HOST, opts.port))
                .withConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .withConfig(GraphDatabaseSettings.auth_enabled, true)
                .withConfig(GraphDatabaseSettings.pagecache_memory, opts.pageCache)
                .withConfig(GraphDatabaseSettings.memory_transaction_global_max_size, opts.txMemory)
                // No anonymous usage reporting from test/dev instances.
                .withConfig(GraphDatabaseSettings.udc_enabled, false)
                // Bolt's graceful shutdown otherwise waits 2 x 5 s for (non-existent) clients.
                .withConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofMillis(100))
                .withConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofMillis(100));

        Path data = opts.dataDir != null ? opts.dataDir.toAbsolutePath() : workDir.resolve("data");
        Files.createDirectories(data);
        builder.withConfig(GraphDatabaseSettings.data_directory, data);
        if (opts.dataDir != null) {
            logsDir = data.resolve("logs");
            builder.withConfig(GraphDatabaseSettings.logs_directory, logsDir);
            log("persistent data directory: " + data + " (logs in " + logsDir + ")");
        } else {
            // Throw-away store: no need to preallocate transaction log files.
            builder.withConfig(GraphDatabaseSettings.preallocate_logical_logs, false);
        }

        // Authentication is on. On a fresh store the built-in user 'neo4j' is created from
        // <data>/dbms/auth.ini if present (what `neo4j-admin dbms set-initial-password` writes).
        // An existing store gets its password changed through the system database instead
        // (slower: the first administration command costs a few seconds of Cypher warm-up).
        Path authIni = CommunitySecurityModule.getInitialUserRepositoryFile(Config.newBuilder()
                .set(GraphDatabaseSettings.neo4j_home, workDir)
                .set(GraphDatabaseSettings.data_directory, data)
                .build());
        boolean freshStore =
                !Files.exists(data.resolve("databases").resolve(GraphDatabaseSettings.SYSTEM_DATABASE_NAME));
        if (freshStore) {
            writeInitialPassword(authIni, password);
        }

        log("starting Neo4j (work dir " + workDir + ")");
        Neo4j started = builder.build();
        neo4j = started;

        if (freshStore) {
            // Only read while the system database is initialised; do not leave it lying around.
            Files.deleteIfExists(authIni);
        } else {
            log(String.format("DBMS started after %.1f s; setting the password", seconds(t0)));
            try {
                started.databaseManagementService()
                        .database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME)
                        .executeTransactionally(
                                "ALTER USER " + USER + " SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
            } catch (QueryExecutionException e) {
                if (e.getMessage() == null || !e.getMessage().contains("password cannot be the same")) {
                    throw e;
                }
                log("password unchanged");
            }
        }

        int port = started.boltURI().getPort();
        String database = started.defaultDatabaseService().databaseName();
        if (shuttingDown) {
            return;
        }
        log(String.format("Neo4j ready on bolt://%s:%d (database %s) after %.1f s", HOST, port, database, seconds(t0)));

        OUT.println("REGISTRY_NEO4J_URI=bolt://" + HOST + ":" + port);
        OUT.println("REGISTRY_NEO4J_USER=" + USER);
        OUT.println("REGISTRY_NEO4J_PASSWORD=" + password);
        OUT.println("REGISTRY_NEO4J_DATABASE=" + database);
        OUT.println("NEO4J_READY");
        OUT.flush();
    }

    /** Same as {@code neo4j-admin dbms set-initial-password PW} (no password change required). */
    private static void writeInitialPassword(Path file, String password) throws IOException {
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        try (DefaultFileSystemAbstraction fs = new DefaultFileSystemAbstraction()) {
            FileUserRepository users =
                    new FileUserRepository(fs, file, NullLogProvider.getInstance(), EmptyMemoryTracker.INSTANCE);
            users.start();
            users.create(new User(
                    USER,
                    null,
                    SystemGraphCredential.createCredentialForPassword(UTF8.encode(password), new SecureHasher()),
                    false,
                    false));
            users.shutdown();
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("could not write " + file, e);
        }
    }

    /** Shutdown hook: runs on SIGTERM/SIGINT/SIGHUP and on System.exit. */
    private static void shutdown() {
        shuttingDown = true;
        try {
            // A signal during start-up: let the start finish, then close it properly.
            if (!START_DONE.await(120, TimeUnit.SECONDS)) {
                log("start-up did not finish; exiting anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Neo4j running = neo4j;
        neo4j = null;
        if (running != null) {
            log("stopping Neo4j");
            try {
                running.close();
                log("Neo4j stopped");
            } catch (Throwable t) {
                log("error while stopping Neo4j: " + t);
            }
        }
        Path dir = workDir;
        if (dir != null) {
            deleteRecursively(dir);
        }
        STOPPED.countDown();
    }

    /** Exit (running the shutdown hook) once stdin reaches EOF, i.e. the parent went away. */
    private static void startStdinWatcher() {
        Thread t = new Thread(() -> {
            InputStream in = System.in;
            byte[] buf = new byte[256];
            try {
                while (in.read(buf) >= 0) {
                    // discard
                }
            } catch (IOException e) {
                // treat as EOF
            }
            log("stdin closed; shutting down");
            System.exit(0);
        }, "neo4j-launcher-stdin");
        t.setDaemon(true);
        t.start();
    }

    /**
     * The private scratch directory, deleted on exit. scripts/neo4j-server.sh creates it and passes
     * it as {@code -Dneo4j.launcher.workdir=DIR -Djava.io.tmpdir=DIR}, so that the temporary files
     * Neo4j leaves behind (e.g. log4j-*.xml) go there too; the JDK reads java.io.tmpdir only from
     * the command line. Without the property a new directory under java.io.tmpdir is used.
     */
    private static Path workDir() throws IOException {
        String given = System.getProperty("neo4j.launcher.workdir");
        if (given != null && !given.isEmpty()) {
            return Files.createDirectories(Paths.get(given).toAbsolutePath());
        }
        Path base = Paths.get(System.getProperty("java.io.tmpdir"));
        for (int attempt = 0; ; attempt++) {
            Path dir = base.resolve("neo4j-launcher-" + randomString(12));
            try {
                return Files.createDirectory(
                        dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException e) {
                if (attempt > 10) {
                    throw e;
                }
            }
        }
    }

    /** Early exit before start-up: remove the (empty) work dir the script created for us. */
    private static void deleteGivenWorkDir() {
        String given = System.getProperty("neo4j.launcher.workdir");
        if (given != null && !given.isEmpty()) {
            deleteRecursively(Paths.get(given));
        }
    }

    private static void dumpLogs() {
        List<Path> roots = new ArrayList<>();
        if (workDir != null) {
            roots.add(workDir);
        }
        if (logsDir != null) {
            roots.add(logsDir);
        }
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".log"))::iterator) {
                    List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                    System.err.println("---------- " + f + " (last lines) ----------");
                    lines.subList(Math.max(0, lines.size() - 60), lines.size()).forEach(System.err::println);
                }
            } catch (IOException | RuntimeException e) {
                log("could not read Neo4j logs: " + e);
            }
        }
    }

    private static void deleteRecursively(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) {
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException e) {
            // already gone
        } catch (IOException e) {
            log("could not delete " + dir + ": " + e);
        }
    }

    private static String randomString(int length) {
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        SecureRandom rnd = new SecureRandom();
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    static void log(String msg) {
        System.err.println("[neo4j-launcher " + LocalTime.now().format(TIME) + "] " + msg);
        System.err.flush();
    }

    /** Command line / environment options. */
    static final class Options {
        static final String USAGE = String.join("\n",
                "usage: Neo4jLauncher [--port N] [--data DIR] [--password PW] [--page-cache SIZE]",
                "                     [--tx-memory SIZE] [--exit-on-stdin-eof] [--exit-when-ready]",
                "  --port N             Bolt port on 127.0.0.1 (env NEO4J_PORT; default 0 = any free port)",
                "  --data DIR           persistent data directory (default: a temp dir deleted on exit)",
                "  --password PW        password for user neo4j (env NEO4J_PASSWORD; default: random)",
                "  --page-cache SIZE    page cache size (env NEO4J_PAGECACHE; default 512m)",
                "  --tx-memory SIZE     global transaction memory limit (env NEO4J_TX_MEMORY; default 512m)",
                "  --exit-on-stdin-eof  stop when stdin is closed (parent process went away)",
                "  --exit-when-ready    stop again right after start-up (used to build a CDS archive)");

        int port;
        Path dataDir;
        String password;
        long pageCache;
        long txMemory;
        boolean exitOnStdinEof;
        boolean exitWhenReady;
        boolean help;

        static Options parse(String[] args) {
            Options o = new Options();
            o.port = parsePort(envOr("NEO4J_PORT", "0"));
            o.password = emptyToNull(System.getenv("NEO4J_PASSWORD"));
            o.pageCache = parseBytes(envOr("NEO4J_PAGECACHE", "512m"));
            o.txMemory = parseBytes(envOr("NEO4J_TX_MEMORY", "512m"));
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--port" -> o.port = parsePort(value(args, ++i, a));
                    case "--data" -> o.dataDir = Paths.get(value(args, ++i, a));
                    case "--password" -> o.password = value(args, ++i, a);
                    case "--page-cache" -> o.pageCache = parseBytes(value(args, ++i, a));
                    case "--tx-memory" -> o.txMemory = parseBytes(value(args, ++i, a));
                    case "--exit-on-stdin-eof" -> o.exitOnStdinEof = true;
                    case "--exit-when-ready" -> o.exitWhenReady = true;
                    case "-h", "--help" -> o.help = true;
                    default -> throw new IllegalArgumentException("unknown argument: " + a);
                }
            }
            if (o.password != null && o.password.length() < 8) {
                throw new IllegalArgumentException("password must have at least 8 characters");
            }
            if (o.password != null && (o.password.contains("\n") || o.password.contains("\r"))) {
                throw new IllegalArgumentException("password must not contain line breaks");
            }
            return o;
        }

        private static String value(String[] args, int i, String flag) {
            if (i >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            return args[i];
        }

        private static String envOr(String name, String dflt) {
            String v = emptyToNull(System.getenv(name));
            return v != null ? v : dflt;
        }

        private static String emptyToNull(String s) {
            return s == null || s.isEmpty() ? null : s;
        }

        private static int parsePort(String s) {
            try {
                int p = Integer.parseInt(s.trim());
                if (p < 0 || p > 65535) {
                    throw new NumberFormatException();
                }
                return p;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid port: " + s);
            }
        }

        private static long parseBytes(String s) {
            try {
                return SettingValueParsers.BYTES.parse(s.trim());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("invalid size: " + s);
            }
        }
    }
}

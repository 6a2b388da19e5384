package io.mcsessions.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The sessions a run uses: created before any load, one request each on the writing path with no cookie, so that
 * both generators send exactly the same cookies (wrk reads them from a file; it cannot pick up a new cookie).
 */
final class SessionIds {

    private static final int CREATING_CONNECTIONS = 8;

    private SessionIds() {
    }

    /** Creates {@code count} sessions on the server at {@code port} and writes their ids, one a line, to {@code file}. */
    static List<String> create(int port, int count, Path file) throws IOException, InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(CREATING_CONNECTIONS);
        try {
            List<Future<List<String>>> parts = new ArrayList<>();
            for (int c = 0; c < CREATING_CONNECTIONS; c++) {
                int share = count / CREATING_CONNECTIONS + (c < count % CREATING_CONNECTIONS ? 1 : 0);
                parts.add(pool.submit(() -> createOn(port, share)));
            }
            List<String> ids = new ArrayList<>(count);
            for (Future<List<String>> part : parts) {
                try {
                    ids.addAll(part.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IOException("creating the benchmark's sessions failed: " + e.getCause().getMessage(),
                            e.getCause());
                }
            }
            Files.createDirectories(file.getParent());
            Files.write(file, ids);
            return List.copyOf(ids);
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<String> createOn(int port, int count) throws IOException {
        List<String> ids = new ArrayList<>(count);
        try (HttpConnection connection = new HttpConnection("127.0.0.1", port, RunBenchmarks.COOKIE)) {
            for (int i = 0; i < count; i++) {
                HttpConnection.Response response = connection.get(Mix.WRITE_PATH, null);
                if (response.status() != 200 || response.setCookie() == null) {
                    throw new IOException("a request to create a session got status " + response.status()
                            + " and session cookie " + response.setCookie() + " from 127.0.0.1:" + port);
                }
                ids.add(response.setCookie());
            }
        }
        return ids;
    }
}

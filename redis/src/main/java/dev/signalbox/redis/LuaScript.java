package dev.signalbox.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.redisson.api.RScript;
import org.redisson.api.RScript.Mode;
import org.redisson.api.RScript.ReturnType;

/**
 * One Lua script, run through Redisson by its SHA1 ({@code EVALSHA}, one round trip); when Redis
 * does not know it (first use, or after a restart) it is sent once in full ({@code EVAL}), which
 * caches it again. Routed by its first key, so in Redis Cluster it runs on the node owning that
 * key's slot (all keys of one call share a hash tag, see {@link RedisKeys}).
 */
final class LuaScript {

    private final String source;
    private final String sha;
    private final ReturnType returnType;

    LuaScript(String source, ReturnType returnType) {
        this.source = source;
        this.sha = sha1(source);
        this.returnType = returnType;
    }

    <T> CompletableFuture<T> run(RScript script, List<Object> keys, Object... args) {
        String routingKey = (String) keys.get(0);
        CompletableFuture<T> bySha = script.<T>evalShaAsync(routingKey, Mode.READ_WRITE, sha, returnType, keys, args)
                .toCompletableFuture();
        return bySha.exceptionallyCompose(e -> isNoScript(e)
                ? script.<T>evalAsync(routingKey, Mode.READ_WRITE, source, returnType, keys, args).toCompletableFuture()
                : CompletableFuture.failedFuture(e));
    }

    private static boolean isNoScript(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("NOSCRIPT")) {
                return true;
            }
        }
        return false;
    }

    private static String sha1(String source) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JDK", e);
        }
    }
}

package dev.signalbox.redis.autoconfigure;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

import dev.signalbox.redis.RedisClusterSettings;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How Signalbox uses Redis for {@code scope = CLUSTER}, under the prefix {@code signalbox.redis}.
 * Where Redis is comes from Spring Boot's own {@code spring.data.redis.*} properties (or the
 * application's {@code RedissonClient} bean), never from here.
 */
@ConfigurationProperties("signalbox.redis")
public class SignalboxRedisProperties {

    /** The start of every Redis key Signalbox writes; give applications sharing one Redis different prefixes. */
    private String keyPrefix = "signalbox:";

    /**
     * How long a cluster hold lasts without renewal. Renewed while held, so a crashed holder frees its
     * guard within one lease; at least 1s.
     */
    private Duration lease = Duration.ofSeconds(30);

    /**
     * This instance's id, shown as the holder or waiter of cluster primitives in the Actuator endpoint.
     * Default: the host name and the process id, e.g. {@code web-1:4711}.
     */
    private String instanceId;

    /**
     * What a cluster-scoped call does when Redis cannot be reached: {@code fail} with
     * {@code GuardUnavailableException} within the call's timeout, or fall back to a {@code local}
     * primitive of the same shape (logged once), which guards this instance only.
     */
    private OnUnavailable onUnavailable = OnUnavailable.FAIL;

    public String getKeyPrefix() {
        return keyPrefix;
    }

    public void setKeyPrefix(String keyPrefix) {
        this.keyPrefix = keyPrefix;
    }

    public Duration getLease() {
        return lease;
    }

    public void setLease(Duration lease) {
        this.lease = lease;
    }

    public String getInstanceId() {
        return instanceId;
    }

    public void setInstanceId(String instanceId) {
        this.instanceId = instanceId;
    }

    public OnUnavailable getOnUnavailable() {
        return onUnavailable;
    }

    public void setOnUnavailable(OnUnavailable onUnavailable) {
        this.onUnavailable = onUnavailable;
    }

    /** The backend's settings; checks them (an empty prefix, a lease under 1s fail with the property's name). */
    public RedisClusterSettings toSettings() {
        String id = instanceId == null || instanceId.isBlank() ? defaultInstanceId() : instanceId;
        return new RedisClusterSettings(keyPrefix, lease, id, onUnavailable == OnUnavailable.LOCAL);
    }

    /** {@code host:pid}: unique among the instances of one host, readable for an operator. */
    static String defaultInstanceId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return host + ":" + ProcessHandle.current().pid();
    }

    /** What a cluster-scoped call does when Redis cannot be reached. */
    public enum OnUnavailable {
        /** Fail the call with {@code GuardUnavailableException} (→ 503) within its timeout. The default. */
        FAIL,
        /** Use a local primitive of the same shape instead: this instance stays guarded, the cluster does not. */
        LOCAL
    }
}

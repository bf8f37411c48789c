package io.connwatch.notify;

/**
 * One receiver's settings, read and checked once when the configuration loads: its name, its
 * channel type, whether it is told when a group resolves, and the channel's own typed values
 * (each channel package has its record).
 */
public interface ReceiverConfig {
    /** The key every receiver takes: whether resolved notifications go to it. */
    String SEND_RESOLVED = "send-resolved";

    /** The receiver's configured name, unique among receivers. */
    String name();

    /** The channel type, as written in the configuration ({@code email}, {@code webhook}, ...). */
    String type();

    /**
     * Whether the lifecycle sends this receiver notifications about alerts that resolved
     * ({@code send-resolved}). Defaults as Alertmanager's: on for machine receivers (webhook,
     * kafka), off for people's inboxes and chat (email, slack), where resolved messages are noise.
     */
    boolean sendResolved();
}

package io.connwatch.notify;

/**
 * One receiver's settings, read and checked once when the configuration loads: its name, its
 * channel type, and the channel's own typed values (each channel package has its record).
 */
public interface ReceiverConfig {
    /** The receiver's configured name, unique among receivers. */
    String name();

    /** The channel type, as written in the configuration ({@code email}, {@code webhook}, ...). */
    String type();
}

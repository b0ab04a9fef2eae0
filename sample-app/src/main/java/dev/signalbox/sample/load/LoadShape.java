package dev.signalbox.sample.load;

/** How the load generator spreads its calls over time and accounts. */
public enum LoadShape {
    /** The same number of calls every tick, over all accounts. */
    STEADY,
    /** Quiet ticks, then a burst ten times bigger: queues fill, rate limits reject. */
    BURSTY,
    /** Steady, but most transfers touch one account: that key's lock becomes the bottleneck. */
    HOT_KEY
}

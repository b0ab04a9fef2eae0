package dev.signalbox.sample.bank;

/** One completed transfer of {@code cents} from one account to another. */
public record Transfer(String from, String to, long cents) {
}

package dev.signalbox.sample.bank;

import dev.signalbox.annotation.Guarded;
import java.time.Duration;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import org.springframework.stereotype.Service;

/**
 * Account balances, kept in memory. A transfer reads two balances and writes them back: without a
 * guard two concurrent transfers touching one account can both read the old balance and one update
 * is lost (see {@link #transferUnguarded}). {@link #transfer} holds a lock per account, both keys
 * acquired in one canonical order, so opposite transfers cannot deadlock and the total stays exact.
 */
@Service
public class AccountService {

    /** Customers of the sample bank, each starting with 1,000.00. */
    public static final long OPENING_BALANCE_CENTS = 100_000;

    /** How long booking a transfer takes: the window in which an unguarded transfer loses updates. */
    private static final Duration BOOKING_TIME = Duration.ofMillis(2);

    private final Map<String, Long> balances = new ConcurrentHashMap<>();
    private final LedgerService ledger;

    public AccountService(LedgerService ledger) {
        this.ledger = ledger;
        for (int i = 1; i <= 10; i++) {
            balances.put("acc-" + i, OPENING_BALANCE_CENTS);
        }
    }

    /** Moves {@code cents} from one account to another, holding both accounts' locks. */
    @Guarded(value = "accounts", key = {"#from", "#to"}, timeout = "2s")
    public Transfer transfer(String from, String to, long cents) {
        Transfer transfer = moveMoney(from, to, cents);
        ledger.post(transfer);
        return transfer;
    }

    /**
     * The seed's bug, kept to show what the guard fixes: the same read-modify-write without a lock.
     * Under concurrent calls balances lose updates and the total drifts.
     */
    public Transfer transferUnguarded(String from, String to, long cents) {
        return moveMoney(from, to, cents);
    }

    private Transfer moveMoney(String from, String to, long cents) {
        if (cents <= 0) {
            throw new IllegalArgumentException("transfer of " + cents + " cents: the amount must be positive");
        }
        if (from.equals(to)) {
            throw new IllegalArgumentException("transfer from " + from + " to itself: name two different accounts");
        }
        long fromBalance = balance(from);
        long toBalance = balance(to);
        LockSupport.parkNanos(BOOKING_TIME.toNanos()); // writing to the core banking system
        balances.put(from, fromBalance - cents);
        balances.put(to, toBalance + cents);
        return new Transfer(from, to, cents);
    }

    public long balance(String account) {
        Long balance = balances.get(account);
        if (balance == null) {
            throw new NoSuchElementException("no account " + account + "; accounts are " + balances.keySet());
        }
        return balance;
    }

    /** Sum of every balance: constant whatever the transfers, when every transfer is guarded. */
    public long totalCents() {
        return balances.values().stream().mapToLong(Long::longValue).sum();
    }

    public Map<String, Long> balances() {
        return Map.copyOf(balances);
    }
}

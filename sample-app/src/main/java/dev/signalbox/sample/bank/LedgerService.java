package dev.signalbox.sample.bank;

import dev.signalbox.annotation.Guarded;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Service;

/**
 * The day's ledger: read and appended to all day (READ: many at once), closed once a day (WRITE:
 * alone, so the closing sees no half-posted entry). The guard is writer-preferring, so a waiting
 * close is not starved by the steady stream of readers.
 */
@Service
public class LedgerService {

    private final Queue<Transfer> openEntries = new ConcurrentLinkedQueue<>();
    private final AtomicLong closedDays = new AtomicLong();
    private final AtomicLong closedEntries = new AtomicLong();

    /** Appends a transfer; shares the ledger with other posters and readers. */
    @Guarded(value = "ledger", mode = Guarded.Mode.READ)
    public void post(Transfer transfer) {
        openEntries.add(transfer);
    }

    /** The open entries that touch {@code account}. */
    @Guarded(value = "ledger", mode = Guarded.Mode.READ)
    public List<Transfer> statement(String account) {
        return openEntries.stream().filter(t -> t.from().equals(account) || t.to().equals(account)).toList();
    }

    /** Closes the day: every open entry is archived while nobody else touches the ledger. */
    @Guarded(value = "ledger", mode = Guarded.Mode.WRITE)
    public DayClose closeDay() {
        int entries = openEntries.size();
        openEntries.clear();
        closedEntries.addAndGet(entries);
        return new DayClose(closedDays.incrementAndGet(), entries);
    }

    /** The result of a day's close. */
    public record DayClose(long day, int entriesClosed) {
    }
}

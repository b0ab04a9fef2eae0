package dev.signalbox.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * What a cluster barrier remembers of the verdicts it heard. The case that matters: the answer to an
 * arrival (on a command connection) handled after its generation's verdict (on the pub/sub connection)
 * and after many more generations; the barrier used to keep only the last 64 verdicts, so such a party
 * waited for a verdict it had forgotten and was failed as "lost in Redis" once the hash had forgotten
 * it too.
 */
class HeardVerdictsTest {

    private static final int MANY = 10 * HeardVerdicts.KEPT_AT_LEAST;

    @Test
    void aVerdictHeardBeforeALaggingAnswerIsKeptUntilThatAnswerIsHandled() {
        HeardVerdicts heard = new HeardVerdicts();
        long lagging = heard.sending();
        for (int seq = 0; seq < MANY; seq++) {
            heard.put("e:" + seq, "R");
        }
        assertThat(heard.verdict("e:0")).as("kept while an arrival sent before it is unanswered").isEqualTo("R");
        heard.answered(lagging);
        assertThat(heard.verdict("e:0")).as("forgotten once no answer can still need it").isNull();
        assertThat(heard.verdict("e:" + (MANY - 1))).isEqualTo("R");
        assertThat(heard.verdict("e:" + (MANY - HeardVerdicts.KEPT_AT_LEAST))).as("the newest are kept").isEqualTo("R");
        assertThat(heard.verdict("e:" + (MANY - HeardVerdicts.KEPT_AT_LEAST - 1))).isNull();
    }

    @Test
    void withNothingPendingOnlyTheNewestAreKept() {
        HeardVerdicts heard = new HeardVerdicts();
        for (int seq = 0; seq < MANY; seq++) {
            heard.answered(heard.sending());
            heard.put("e:" + seq, "B a party timed out");
        }
        for (int seq = 0; seq < MANY; seq++) {
            boolean newest = seq >= MANY - HeardVerdicts.KEPT_AT_LEAST;
            assertThat(heard.verdict("e:" + seq)).as("e:%d", seq).isEqualTo(newest ? "B a party timed out" : null);
        }
    }

    @Test
    void anArrivalSentAfterAVerdictWasHeardDoesNotKeepIt() {
        HeardVerdicts heard = new HeardVerdicts();
        heard.put("e:0", "R");
        long later = heard.sending(); // its arrival runs in Redis after e:0 was decided: it cannot be in e:0
        for (int seq = 1; seq <= HeardVerdicts.KEPT_AT_LEAST; seq++) {
            heard.put("e:" + seq, "R");
        }
        assertThat(heard.verdict("e:0")).isNull();
        assertThat(heard.verdict("e:1")).as("heard after the arrival was sent").isEqualTo("R");
        heard.answered(later);
    }

    @Test
    void theFirstVerdictHeardStays() {
        HeardVerdicts heard = new HeardVerdicts();
        heard.put("e:3", "R");
        heard.put("e:3", "L"); // a late check answering that Redis forgot it
        assertThat(heard.verdict("e:3")).isEqualTo("R");
    }
}

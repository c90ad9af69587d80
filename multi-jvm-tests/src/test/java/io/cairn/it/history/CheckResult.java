package io.cairn.it.history;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Verdict for a whole history: ILLEGAL if any key is, else UNKNOWN if any key ran out of budget, else OK.
 * Never OK unless every key was proven linearizable.
 */
public record CheckResult(KeyResult.Verdict verdict, List<KeyResult> keys) {

    static CheckResult of(List<KeyResult> keys) {
        KeyResult.Verdict v = KeyResult.Verdict.OK;
        for (KeyResult k : keys) {
            if (k.verdict() == KeyResult.Verdict.ILLEGAL) v = KeyResult.Verdict.ILLEGAL;
            else if (k.verdict() == KeyResult.Verdict.UNKNOWN && v == KeyResult.Verdict.OK) v = KeyResult.Verdict.UNKNOWN;
        }
        return new CheckResult(v, List.copyOf(keys));
    }

    public boolean isOk() {
        return verdict == KeyResult.Verdict.OK;
    }

    /** The keys that are not OK, each explained (all keys summarized if everything is OK). */
    public String explain() {
        List<KeyResult> bad = keys.stream().filter(k -> k.verdict() != KeyResult.Verdict.OK).toList();
        String head = verdict + " (" + keys.size() + " keys)";
        if (bad.isEmpty()) return head;
        return head + "\n" + bad.stream().map(k -> k.explain(20)).collect(Collectors.joining("\n"));
    }

    @Override
    public String toString() {
        return explain();
    }
}

package dev.signalbox.sample.bank;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The bank's HTTP API. Signalbox's exceptions become 429/503 problem responses on their own. */
@RestController
@RequestMapping("/api")
public class BankController {

    private final AccountService accounts;
    private final LedgerService ledger;
    private final FraudCheckClient fraud;
    private final SettlementService settlement;
    private final ReportService reports;
    private final StatementJobs statements;
    private final RatesCache rates;

    public BankController(AccountService accounts, LedgerService ledger, FraudCheckClient fraud,
                          SettlementService settlement, ReportService reports, StatementJobs statements,
                          RatesCache rates) {
        this.accounts = accounts;
        this.ledger = ledger;
        this.fraud = fraud;
        this.settlement = settlement;
        this.reports = reports;
        this.statements = statements;
        this.rates = rates;
    }

    @GetMapping("/accounts")
    public Map<String, Object> accounts() {
        return Map.of("balances", accounts.balances(), "totalCents", accounts.totalCents());
    }

    @PostMapping("/transfers")
    public Transfer transfer(@RequestParam String from, @RequestParam String to, @RequestParam long cents) {
        return accounts.transfer(from, to, cents);
    }

    /** The seed's lost-update bug, for comparison: the same transfer without the guard. */
    @PostMapping("/transfers/unguarded")
    public Transfer transferUnguarded(@RequestParam String from, @RequestParam String to, @RequestParam long cents) {
        return accounts.transferUnguarded(from, to, cents);
    }

    @GetMapping("/ledger/{account}")
    public List<Transfer> statement(@PathVariable String account) {
        return ledger.statement(account);
    }

    @PostMapping("/ledger/close")
    public LedgerService.DayClose closeDay() {
        return ledger.closeDay();
    }

    @GetMapping("/customers/{customerId}/fraud-score")
    public FraudCheckClient.FraudScore fraudScore(@PathVariable String customerId) throws InterruptedException {
        return fraud.score(customerId);
    }

    @PostMapping("/settlement/{region}")
    public SettlementService.Settlement settle(@PathVariable String region) {
        return settlement.settleRegion(region);
    }

    @GetMapping("/reports/{account}")
    public String report(@PathVariable String account) throws InterruptedException {
        return reports.render(account);
    }

    @GetMapping("/reports/{account}/pdf")
    public CompletableFuture<String> pdf(@PathVariable String account) {
        return reports.exportPdf(account);
    }

    @PostMapping("/statements/{account}")
    public CompletableFuture<String> statementJob(@PathVariable String account) throws InterruptedException {
        return statements.enqueue(account);
    }

    @GetMapping("/statements")
    public StatementJobs.JobsStatus statementJobs() {
        return statements.status();
    }

    @GetMapping("/rates")
    public Map<String, Double> rates() throws InterruptedException {
        return rates.rates();
    }

    /** Opens the readiness gate now (normally the startup warm-up does it). */
    @PostMapping("/rates/warm")
    public Map<String, Boolean> warm() {
        rates.warmUp();
        return Map.of("warm", rates.isWarm());
    }
}

package io.cairn.launcher.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class LoggingSetupTest {
  @TempDir Path dir;

  @AfterEach
  void restoreDefaults() throws Exception {
    LoggingSetup.configure(ConfigLoader.load(new String[0], Map.of()));
  }

  private static LoggingEvent event(String logger, Level level, String message) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    return new LoggingEvent("fqcn", context.getLogger(logger), level, message, null, null);
  }

  @Test
  void capnslogLineFormat() {
    String line = new CapnslogLayout().doLayout(event("etcdserver", Level.INFO, "ready to serve client requests"));
    assertTrue(
        line.matches(
            "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6} I \\| etcdserver: ready to serve client requests\\R"),
        line);
    LoggingEvent notice = event("pkg/osutil", Level.INFO, "received terminated signal, shutting down...");
    notice.setMarker(CapnslogMarkers.NOTICE);
    assertTrue(new CapnslogLayout().doLayout(notice).contains(" N | pkg/osutil: received"));
  }

  @Test
  void zapLineFormat() {
    String line = new ZapJsonLayout().doLayout(event("etcdserver", Level.WARN, "say \"hi\"\n"));
    assertTrue(
        line.matches(
            "\\{\"level\":\"warn\",\"ts\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d{4})\","
                + "\"caller\":\"etcdserver/etcdserver.go:0\",\"msg\":\"say \\\\\"hi\\\\\"\\\\n\"}\\R"),
        line);
  }

  @Test
  void levelsOutputsAndAkkaQuieted() throws Exception {
    Path log = dir.resolve("cairn.log");
    LoggingSetup.configure(
        ConfigLoader.load(new String[] {"--logger=zap", "--log-outputs=" + log, "--log-level=warn"}, Map.of()));
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    assertEquals(Level.WARN, context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel());
    assertEquals(Level.WARN, context.getLogger("akka").getLevel());
    LoggerFactory.getLogger("etcdmain").info("hidden");
    LoggerFactory.getLogger("etcdmain").warn("shown");
    List<String> lines = Files.readAllLines(log);
    assertEquals(1, lines.size(), lines.toString());
    assertTrue(lines.get(0).contains("\"msg\":\"shown\""), lines.get(0));

    LoggingSetup.configure(ConfigLoader.load(new String[] {"--log-level=debug"}, Map.of()));
    assertEquals(Level.DEBUG, context.getLogger("akka").getLevel());
  }
}

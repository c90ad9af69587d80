package io.cairn.launcher.config;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.Layout;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import io.cairn.launcher.CairnConfig;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Configures logback from --logger, --log-level and --log-outputs, replacing logback.xml's defaults. Main calls
 * {@link #configure(CairnConfig)} right after {@link ConfigLoader#load}.
 *
 * <p>As etcd: "default" and "stderr" write to stderr ("default" is journald in etcd under systemd; stderr reaches
 * the journal there too), "stdout" to stdout, anything else is a file appended to (zap only: etcd's validation
 * rejects files with capnslog). Every line is flushed as written: operators and tests wait for lines such as "ready
 * to serve client requests".
 */
public final class LoggingSetup {
  /** Libraries whose INFO chatter is not etcd's: shown at WARN unless --log-level=debug. */
  static final List<String> QUIET_LIBRARIES = List.of("akka", "io.grpc", "io.netty");

  private LoggingSetup() {}

  public static void configure(CairnConfig config) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    Level level = level(config.logLevel());
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(level);
    for (String library : QUIET_LIBRARIES) {
      context.getLogger(library).setLevel(quietLevel(level));
    }
    for (String output : config.logOutputs()) {
      root.addAppender(appender(context, output, layout(context, config.logger())));
    }
  }

  /** DEBUG stays DEBUG; otherwise at least WARN. */
  static Level quietLevel(Level level) {
    if (level == Level.DEBUG) {
      return Level.DEBUG;
    }
    return level.isGreaterOrEqual(Level.WARN) ? level : Level.WARN;
  }

  /** etcd's levels onto logback's: panic and fatal (and zap's dpanic) are errors that precede an exit. */
  static Level level(String logLevel) {
    return switch (logLevel) {
      case "debug" -> Level.DEBUG;
      case "warn" -> Level.WARN;
      case "error", "dpanic", "panic", "fatal" -> Level.ERROR;
      default -> Level.INFO;
    };
  }

  private static Layout<ILoggingEvent> layout(LoggerContext context, String logger) {
    var layout = "zap".equals(logger) ? new ZapJsonLayout() : new CapnslogLayout();
    layout.setContext(context);
    layout.start();
    return layout;
  }

  private static OutputStreamAppender<ILoggingEvent> appender(
      LoggerContext context, String output, Layout<ILoggingEvent> layout) {
    OutputStreamAppender<ILoggingEvent> appender;
    switch (output) {
      case "default", "stderr" -> {
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setTarget("System.err");
        appender = console;
      }
      case "stdout" -> {
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setTarget("System.out");
        appender = console;
      }
      default -> {
        FileAppender<ILoggingEvent> file = new FileAppender<>();
        file.setFile(output);
        file.setAppend(true);
        appender = file;
      }
    }
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(context);
    encoder.setLayout(layout);
    encoder.start();
    appender.setContext(context);
    appender.setName(output);
    appender.setEncoder(encoder);
    appender.setImmediateFlush(true);
    appender.start();
    return appender;
  }
}

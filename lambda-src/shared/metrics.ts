/**
 * Metrics in CloudWatch embedded metric format (EMF): JSON log lines that CloudWatch Logs turns into metrics, with no
 * API call and no agent in Lambda. The format, from the specification
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html):
 * a root object whose `_aws` member holds `Timestamp` (epoch milliseconds) and `CloudWatchMetrics`, a list of
 * directives `{ Namespace, Dimensions: [[dimension names]], Metrics: [{ Name, Unit }] }`; each dimension and metric
 * named there is a member of the root object (a metric's value may be an array of at most 100 numbers). Every
 * distinct dimension combination is a custom metric of its own, so the dimensions here are the construct and a few
 * fixed words, never a contact id or a number.
 *
 * Written by hand rather than with Powertools for AWS Lambda (TypeScript) Metrics, on purpose: bundled minified for
 * Node.js with esbuild, @aws-lambda-powertools/metrics 2.36.0 measured 16.2 KB and a median require() of 6.8 ms,
 * against 0.8 KB and 1.4 ms for an emitter like this one (an empty file: 1.3 ms), and the handlers aim at a cold start
 * within 10% of a bare handler. What Powertools adds (validation of names, automatic flushing at 100 metrics, a cold-start metric) is
 * not needed for a fixed, short list of metric names. Nothing runs at load but reading two variables.
 *
 * The line goes to process.stdout directly, as both AWS EMF libraries do (Powertools and aws-embedded-metrics build
 * their own Console on stdout): the Lambda runtime's console would put its timestamp and request id in front of it.
 */
import { ENV, METRICS } from './contract';

type Unit = 'Count' | 'Milliseconds';

/** One extra dimension of a metric value (e.g. Path = caller); the construct's own dimension is always there. */
export interface MetricDimension {
  readonly name: string;
  readonly value: string;
}

export interface Metrics {
  /** Adds `value` (default 1) to a count. */
  count(name: string, value?: number, dimension?: MetricDimension): void;
  /** Records one duration, in milliseconds. */
  duration(name: string, milliseconds: number, dimension?: MetricDimension): void;
  /** Writes what was recorded since the last flush, one line per dimension combination, and forgets it. */
  flush(): void;
}

/** The EMF limit on values of one metric in one document. */
const MAX_VALUES = 100;

interface Document {
  readonly dimensions: Record<string, string>;
  readonly metrics: Map<string, { unit: Unit; values: number[] }>;
}

export type LineWriter = (line: string) => void;

const toStdout: LineWriter = (line) => {
  process.stdout.write(`${line}\n`);
};

/**
 * Metrics of one function. Without METRICS_NAMESPACE (a handler run outside the construct) nothing is written.
 * Call flush() once per invocation.
 */
export function createMetrics(env: NodeJS.ProcessEnv, write: LineWriter = toStdout): Metrics {
  const namespace = env[ENV.METRICS_NAMESPACE]?.trim();
  const service = env[ENV.METRICS_SERVICE]?.trim() || 'default';
  const documents = new Map<string, Document>();

  const record = (name: string, unit: Unit, value: number, dimension: MetricDimension | undefined, add: boolean) => {
    if (!namespace || !Number.isFinite(value)) return;
    const key = dimension ? `${dimension.name}=${dimension.value}` : '';
    let document = documents.get(key);
    if (!document) {
      document = { dimensions: { [METRICS.DIMENSION]: service, ...(dimension ? { [dimension.name]: dimension.value } : {}) }, metrics: new Map() };
      documents.set(key, document);
    }
    const metric = document.metrics.get(name) ?? { unit, values: [] };
    document.metrics.set(name, metric);
    if (add && metric.values.length > 0) metric.values[0] += value;
    else metric.values.push(value);
    if (metric.values.length >= MAX_VALUES) flushOne(key, document);
  };

  const flushOne = (key: string, document: Document) => {
    documents.delete(key);
    if (!namespace || document.metrics.size === 0) return;
    const root: Record<string, unknown> = {
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: [{
          Namespace: namespace,
          Dimensions: [Object.keys(document.dimensions)],
          Metrics: [...document.metrics].map(([name, { unit }]) => ({ Name: name, Unit: unit })),
        }],
      },
      ...document.dimensions,
    };
    for (const [name, { values }] of document.metrics) root[name] = values.length === 1 ? values[0] : values;
    write(JSON.stringify(root));
  };

  return {
    count: (name, value = 1, dimension) => record(name, 'Count', value, dimension, true),
    duration: (name, milliseconds, dimension) => record(name, 'Milliseconds', milliseconds, dimension, false),
    flush: () => {
      for (const [key, document] of [...documents]) flushOne(key, document);
    },
  };
}

/** The dimension of a metric that is counted per path (METRIC_PATHS). */
export function byPath(path: string): MetricDimension {
  return { name: METRICS.PATH_DIMENSION, value: path };
}

/** The dimension of an outcome (a record's resolution). */
export function byResolution(resolution: string): MetricDimension {
  return { name: METRICS.RESOLUTION_DIMENSION, value: resolution };
}

export function byReason(reason: string): MetricDimension {
  return { name: METRICS.REASON_DIMENSION, value: reason };
}

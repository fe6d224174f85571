// Reads a /metrics answer through a Prometheus text-format parser (not by regex), so a test checks
// what a scraper would see. parse-prometheus-text-format 1.1.1 folds a histogram's samples into one
// and drops their labels, so labelled histograms are read from a second parse in which their
// `# TYPE … histogram` lines say `untyped`: each _bucket/_count/_sum sample then keeps its labels.
import parsePrometheusTextFormat, { type ParsedFamily, type ParsedSample } from 'parse-prometheus-text-format';

export interface Scrape {
  families: ParsedFamily[];
  family(name: string): ParsedFamily;
  /** The value of the one sample of `name` whose labels include `labels` (0 when none matches). */
  value(name: string, labels?: Record<string, string>): number;
  /** Sum over every sample of `name` whose labels include `labels`. */
  sum(name: string, labels?: Record<string, string>): number;
  /** A histogram's _count summed over samples whose labels include `labels`. */
  histogramCount(name: string, labels?: Record<string, string>): number;
  /** The values one label takes across a histogram's series. */
  histogramLabels(name: string, label: string): Set<string>;
}

function matches(sample: ParsedSample, labels: Record<string, string>): boolean {
  return Object.entries(labels).every(([key, value]) => sample.labels?.[key] === value);
}

export function parseScrape(text: string): Scrape {
  const families = parsePrometheusTextFormat(text);
  const samples = parsePrometheusTextFormat(text.replace(/^(# TYPE \S+) histogram$/gm, '$1 untyped'));
  // Each run of _count lines is its own family there: gather them all.
  const countSamples = (name: string): ParsedSample[] => samples.filter((candidate) => candidate.name === `${name}_count`).flatMap((candidate) => candidate.metrics);
  const family = (name: string): ParsedFamily => {
    const found = families.find((candidate) => candidate.name === name);
    if (!found) throw new Error(`no metric family ${name} in:\n${text}`);
    return found;
  };
  return {
    families,
    family,
    value(name, labels = {}) {
      const samples = family(name).metrics.filter((sample) => matches(sample, labels));
      if (samples.length > 1) throw new Error(`${samples.length} samples of ${name} match ${JSON.stringify(labels)}`);
      return samples[0] ? Number(samples[0].value) : 0;
    },
    sum(name, labels = {}) {
      return family(name).metrics.filter((sample) => matches(sample, labels)).reduce((total, sample) => total + Number(sample.value), 0);
    },
    histogramCount(name, labels = {}) {
      if (family(name).type !== 'HISTOGRAM') throw new Error(`${name} is not a histogram`);
      return countSamples(name).filter((sample) => matches(sample, labels)).reduce((total, sample) => total + Number(sample.value), 0);
    },
    histogramLabels(name, label) {
      return new Set(countSamples(name).map((sample) => sample.labels?.[label] ?? ''));
    },
  };
}

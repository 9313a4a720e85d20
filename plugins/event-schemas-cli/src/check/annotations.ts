// GitHub Actions workflow commands, escaped as the Actions toolkit does
// (@actions/core's command.ts): a message may hold `%`, CR and LF; a
// property also `:` and `,`.

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * `::error file=<file>,line=<n>,title=<title>::<message>`, which GitHub
 * shows as an annotation on that line of the pull request's diff.
 */
export function formatAnnotation(options: {
  level: 'error' | 'warning';
  file: string;
  line: number;
  title: string;
  message: string;
}): string {
  const { level, file, line, title, message } = options;
  return `::${level} file=${escapeProperty(
    file,
  )},line=${line},title=${escapeProperty(title)}::${escapeData(message)}`;
}

import { useState } from 'react';
import { CodeBlock } from '@/components/code-block';
import { SegmentedControl } from '@/components/ui/form';
import {
  codeSample,
  sampleRequest,
  SAMPLE_LANGUAGES,
  type SampleLanguage,
} from '@/features/docs/code-samples';
import { useReference } from '@/features/docs/reference-context';

/** curl, JavaScript and Python for one operation, with the chosen key's prefix in place of the key. */
export function CodeSamples({ method, path }: { method: string; path: string }) {
  const { document, keyPrefix } = useReference();
  const [language, setLanguage] = useState<SampleLanguage>('curl');
  const request = sampleRequest(document, method, path, window.location.origin, keyPrefix);
  if (request === null) return null;
  const code = codeSample(language, request);
  const name = `${method.toUpperCase()} ${path}`;
  return (
    <section aria-label={`Code samples for ${name}`} className="mx-5 my-4 space-y-2 font-sans">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <SegmentedControl
          label={`Language of the samples for ${name}`}
          value={language}
          options={SAMPLE_LANGUAGES}
          onChange={setLanguage}
        />
        {request.key !== null && (
          <p className="text-xs text-zinc-500">
            Replace <code className="font-mono text-zinc-700">{request.key}</code> with your whole key.
          </p>
        )}
      </div>
      <CodeBlock
        label={SAMPLE_LANGUAGES.find((option) => option.value === language)?.label ?? language}
        code={code}
      />
    </section>
  );
}

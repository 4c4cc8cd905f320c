import { describe, expect, it } from 'vitest';
import { codeSample, exampleOf, keyPlaceholder, sampleRequest } from '@/features/docs/code-samples';

const document = {
  openapi: '3.1.0',
  info: { title: 'test', version: '1' },
  paths: {
    '/v1/forecast': {
      get: {
        security: [{ bearerAuth: [] }],
        parameters: [
          { name: 'city', in: 'query', required: true, schema: { type: 'string', example: 'Lisbon' } },
          { name: 'days', in: 'query', required: false, schema: { type: 'string', example: '3' } },
          { name: 'unused', in: 'query', required: false, schema: { type: 'string' } },
        ],
      },
    },
    '/v1/convert': {
      post: {
        security: [{ bearerAuth: [] }],
        requestBody: {
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['amount', 'from'],
                properties: {
                  amount: { type: 'number', example: 10 },
                  from: { type: 'string', enum: ['USD', 'EUR'] },
                  note: { type: 'string' },
                  exact: { type: 'boolean', example: false },
                },
              },
            },
          },
        },
      },
    },
    '/v1/openapi.json': { get: { security: [] } },
  },
};

const origin = 'https://api.example.test';

describe('code samples', () => {
  it('fill in the chosen key’s prefix, never more of the key', () => {
    expect(keyPlaceholder('sk_live_AbCd')).toBe('sk_live_AbCd…');
    expect(keyPlaceholder(undefined)).toBe('sk_live_…');
    const request = sampleRequest(document, 'get', '/v1/forecast', origin, 'sk_live_AbCd');
    if (request === null) throw new Error('no sample');
    expect(codeSample('curl', request)).toBe(
      "curl 'https://api.example.test/v1/forecast?city=Lisbon&days=3' \\\n" +
        "  -H 'Authorization: Bearer sk_live_AbCd…'",
    );
    expect(codeSample('javascript', request)).toContain('Authorization: "Bearer sk_live_AbCd…"');
    expect(codeSample('python', request)).toBe(
      [
        'import requests',
        '',
        'response = requests.get(',
        '    "https://api.example.test/v1/forecast",',
        '    params={"city": "Lisbon", "days": "3"},',
        '    headers={"Authorization": "Bearer sk_live_AbCd…"},',
        ')',
        'print(response.status_code, response.json())',
      ].join('\n'),
    );
  });

  it('send the body the schema describes: required fields and those with examples', () => {
    const request = sampleRequest(document, 'POST', '/v1/convert', origin, 'sk_live_AbCd');
    if (request === null) throw new Error('no sample');
    expect(request.body).toEqual({ amount: 10, from: 'USD', exact: false });
    expect(codeSample('curl', request)).toBe(
      "curl -X POST 'https://api.example.test/v1/convert' \\\n" +
        "  -H 'Authorization: Bearer sk_live_AbCd…' \\\n" +
        "  -H 'Content-Type: application/json' \\\n" +
        '  -d \'{"amount":10,"from":"USD","exact":false}\'',
    );
    expect(codeSample('javascript', request)).toContain(
      'body: JSON.stringify({"amount":10,"from":"USD","exact":false})',
    );
    expect(codeSample('python', request)).toContain('json={"amount": 10, "from": "USD", "exact": False},');
  });

  it('leave the key out of routes that take none, and quote what the shell would break on', () => {
    const request = sampleRequest(document, 'GET', '/v1/openapi.json', origin, 'sk_live_AbCd');
    expect(request?.key).toBeNull();
    if (request === null) throw new Error('no sample');
    expect(codeSample('curl', request)).toBe("curl 'https://api.example.test/v1/openapi.json'");
    expect(sampleRequest(document, 'DELETE', '/v1/convert', origin, undefined)).toBeNull();

    const quoted = codeSample('curl', { ...request, body: { name: "O'Brien" } });
    expect(quoted).toContain(`-d '{"name":"O'\\''Brien"}'`);
  });

  it('make up values of the schema’s type when it gives no example', () => {
    expect(exampleOf({ type: 'integer', minimum: 5 })).toBe(5);
    expect(exampleOf({ type: 'array', items: { type: 'string', enum: ['read', 'write'] } })).toEqual([
      'read',
    ]);
    expect(exampleOf({ type: 'integer', default: 1 })).toBe(1);
  });
});

namespace IvrVoice.Server.Audition;

/// <summary>
/// The page, its script and its style, compiled in so the service serves them from any folder. The script builds the table
/// with text nodes only (prompt texts are never parsed as HTML) and fetches audio with the API key when one is needed, so
/// an audio element never needs credentials in its URL.
/// </summary>
internal static class AuditionPage
{
    public const string Html = """
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <title>Prompt audition · IvrVoice</title>
          <link rel="icon" href="data:,">
          <link rel="stylesheet" href="/audition/app.css">
          <script src="/audition/app.js" defer></script>
        </head>
        <body>
          <header>
            <h1>Prompt audition <span id="library-name"></span></h1>
            <p id="summary">Loading the library…</p>
            <form id="key-form" hidden>
              <label>API key <input type="password" id="api-key" autocomplete="off" spellcheck="false"></label>
              <button type="submit">Use key</button>
              <span class="hint">Audition:Access is ApiKey: use a key of Service:ApiKeys. It is kept in this tab only.</span>
            </form>
          </header>
          <p id="status" role="status" aria-live="polite"></p>
          <main>
            <table id="prompts">
              <thead>
                <tr>
                  <th scope="col">Prompt</th>
                  <th scope="col">Language</th>
                  <th scope="col">Text</th>
                  <th scope="col">Voice</th>
                  <th scope="col">Duration</th>
                  <th scope="col">Provider</th>
                  <th scope="col">Listen</th>
                  <th scope="col">Another voice</th>
                </tr>
              </thead>
              <tbody></tbody>
            </table>
          </main>
        </body>
        </html>
        """;

    public const string Style = """
        :root { --ink: #1f2933; --muted: #616e7c; --line: #e4e7eb; --accent: #2f6fde; --accent-soft: #e8f0fd; --take: #0f8a5f; --bad: #b3261e; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: var(--ink); background: #f7f8fa; }
        header { padding: 20px 28px 8px; background: #fff; border-bottom: 1px solid var(--line); }
        h1 { margin: 0 0 4px; font-size: 20px; font-weight: 650; }
        #library-name { color: var(--muted); font-weight: 500; }
        #summary { margin: 0 0 12px; color: var(--muted); }
        #key-form { display: flex; gap: 8px; align-items: center; margin-bottom: 12px; }
        #key-form[hidden] { display: none; }
        .hint { color: var(--muted); font-size: 12px; }
        #status { margin: 8px 28px; min-height: 1.4em; color: var(--muted); }
        #status.error { color: var(--bad); }
        main { padding: 0 28px 28px; }
        table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--line); border-radius: 8px; overflow: hidden; }
        thead th { position: sticky; top: 0; background: #f1f3f5; text-align: left; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); padding: 8px 10px; border-bottom: 1px solid var(--line); }
        td { padding: 8px 10px; border-bottom: 1px solid var(--line); vertical-align: middle; }
        tbody tr:nth-child(even) { background: #fbfcfd; }
        tbody tr:last-child td { border-bottom: 0; }
        td.id code { font: 12px/1.3 ui-monospace, SFMono-Regular, Menlo, monospace; background: #f1f3f5; padding: 2px 5px; border-radius: 4px; }
        td.text { max-width: 340px; }
        td.text div { display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden; }
        td.id, td.duration, td.provider, td.language { white-space: nowrap; }
        .missing { color: var(--muted); font-style: italic; }
        .player { display: flex; align-items: center; gap: 8px; }
        .player audio { display: none; }
        button { font: inherit; border: 1px solid #c5ccd3; background: #fff; border-radius: 6px; padding: 4px 10px; cursor: pointer; }
        button:hover:not(:disabled) { border-color: var(--accent); }
        button:disabled { opacity: .5; cursor: default; }
        button.play { width: 34px; height: 30px; padding: 0; color: var(--accent); border-color: var(--accent); background: var(--accent-soft); }
        .take button.play { color: var(--take); border-color: var(--take); background: #e6f5ef; }
        canvas.wave { width: 160px; height: 32px; display: block; }
        .another { display: flex; flex-direction: column; gap: 6px; }
        .another .controls { display: flex; gap: 6px; }
        select { font: inherit; padding: 3px 6px; border-radius: 6px; border: 1px solid #c5ccd3; background: #fff; }
        .take { display: flex; align-items: center; gap: 8px; }
        .take .label { font-size: 12px; color: var(--take); white-space: nowrap; }
        .template-form { display: flex; flex-direction: column; gap: 4px; }
        .template-form label { display: flex; gap: 6px; align-items: center; font-size: 12px; }
        .template-form label .name { min-width: 110px; color: var(--muted); }
        .template-form input { font: inherit; padding: 2px 6px; border: 1px solid #c5ccd3; border-radius: 6px; }
        .template-form .spoken { font-style: italic; }
        .template-form .versions { display: flex; gap: 14px; flex-wrap: wrap; }
        .template-form .version { display: flex; flex-direction: column; gap: 2px; }
        .template-form .version .label { font-size: 12px; color: var(--muted); }
        """;

    public const string Script = """
        'use strict';
        const state = { apiKey: sessionStorage.getItem('ivrvoice-audition-key') || '', library: null };
        const $ = (selector) => document.querySelector(selector);

        function setStatus(text, isError) {
          const status = $('#status');
          status.textContent = text || '';
          status.classList.toggle('error', Boolean(isError));
        }

        function element(tag, className, text) {
          const node = document.createElement(tag);
          if (className) node.className = className;
          if (text !== undefined && text !== null) node.textContent = text;
          return node;
        }

        async function api(path, options) {
          const request = Object.assign({ credentials: 'same-origin' }, options || {});
          const headers = new Headers(request.headers || {});
          if (state.apiKey) headers.set('X-Api-Key', state.apiKey);
          request.headers = headers;
          const response = await fetch(path, request);
          if (response.status === 401) {
            $('#key-form').hidden = false;
            throw new Error('An API key is needed to use this page.');
          }
          if (!response.ok) {
            let detail = response.status + ' ' + response.statusText;
            try { const problem = await response.json(); detail = problem.detail || problem.title || detail; } catch (ignored) { }
            throw new Error(detail);
          }
          return response;
        }

        function seconds(value) { return value === null || value === undefined ? '' : value.toFixed(2) + ' s'; }

        function drawWave(canvas, peaks, played) {
          const ratio = window.devicePixelRatio || 1;
          const width = canvas.clientWidth || 160, height = canvas.clientHeight || 32;
          canvas.width = Math.round(width * ratio);
          canvas.height = Math.round(height * ratio);
          const context = canvas.getContext('2d');
          context.scale(ratio, ratio);
          context.clearRect(0, 0, width, height);
          if (!peaks || peaks.length === 0) return;
          const step = width / peaks.length, middle = height / 2;
          for (let i = 0; i < peaks.length; i++) {
            const half = Math.max(0.75, (peaks[i] / 100) * middle);
            context.fillStyle = (i + 0.5) / peaks.length <= played ? canvas.dataset.played : canvas.dataset.waiting;
            context.fillRect(i * step, middle - half, Math.max(1, step - 0.6), half * 2);
          }
        }

        function player(source, take) {
          const box = element('div', 'player');
          const button = element('button', 'play', '▶');
          button.type = 'button';
          button.title = 'Play';
          button.setAttribute('aria-label', 'Play ' + source.language + '/' + source.id + (take ? ' with ' + source.voice : ''));
          const canvas = element('canvas', 'wave');
          canvas.dataset.played = take ? '#0f8a5f' : '#2f6fde';
          canvas.dataset.waiting = take ? '#8fd0b6' : '#a9c1ee';
          const audio = element('audio', 'preview');
          audio.preload = 'none';
          box.append(button, canvas, audio);
          requestAnimationFrame(() => drawWave(canvas, source.peaks, 0));
          audio.addEventListener('timeupdate', () => drawWave(canvas, source.peaks, audio.duration ? audio.currentTime / audio.duration : 0));
          audio.addEventListener('play', () => { button.textContent = '❚❚'; button.title = 'Pause'; });
          const stopped = () => { button.textContent = '▶'; button.title = 'Play'; };
          audio.addEventListener('pause', stopped);
          audio.addEventListener('ended', () => { stopped(); drawWave(canvas, source.peaks, 0); });
          button.addEventListener('click', async () => {
            try {
              if (!audio.src) {
                button.disabled = true;
                const response = await api(source.previewUrl);
                audio.src = URL.createObjectURL(await response.blob());
                button.disabled = false;
              }
              if (audio.paused) {
                document.querySelectorAll('audio.preview').forEach((other) => { if (other !== audio) other.pause(); });
                await audio.play();
              } else {
                audio.pause();
              }
            } catch (error) {
              button.disabled = false;
              setStatus('Cannot play ' + source.language + '/' + source.id + ': ' + error.message, true);
            }
          });
          return box;
        }

        function voiceOf(prompt) {
          return prompt.speakers.length > 0 ? prompt.speakers.map((s) => s.name + ' (' + s.voice + ')').join(', ') : prompt.voice;
        }

        function another(prompt) {
          const box = element('div', 'another');
          if (prompt.speakers.length > 0) {
            box.append(element('span', 'missing', 'dialogue: voices come from its speakers'));
            return box;
          }
          const controls = element('div', 'controls');
          const select = element('select', 'voice-select');
          select.setAttribute('aria-label', 'Voice for ' + prompt.language + '/' + prompt.id);
          for (const voice of state.library.voices) {
            if (voice === prompt.voice) continue;
            const option = element('option', null, voice);
            option.value = voice;
            select.append(option);
          }
          const render = element('button', 'render', 'Render');
          render.type = 'button';
          const slot = element('div', 'take-slot');
          render.addEventListener('click', async () => {
            render.disabled = true;
            setStatus('Rendering ' + prompt.language + '/' + prompt.id + ' with ' + select.value + '…');
            try {
              const response = await api('/audition/api/render', {
                method: 'POST',
                headers: { 'Content-Type': 'application/json' },
                body: JSON.stringify({ language: prompt.language, id: prompt.id, voice: select.value }),
              });
              const take = await response.json();
              const row = element('div', 'take');
              row.dataset.voice = take.voice;
              row.append(player(take, true), element('span', 'label', take.voice + ' · ' + take.provider + ' · ' + seconds(take.durationSeconds)));
              slot.replaceChildren(row);
              setStatus('New take of ' + prompt.language + '/' + prompt.id + ' with ' + take.voice + ' (' + seconds(take.durationSeconds) + ').');
            } catch (error) {
              setStatus('Cannot render ' + prompt.language + '/' + prompt.id + ': ' + error.message, true);
            } finally {
              render.disabled = false;
            }
          });
          controls.append(select, render);
          box.append(controls, slot);
          return box;
        }

        function placeholderHint(placeholder) {
          const samples = { number: '42', ordinal: '3', digits: '5551234', currency: '12.50', date: '2026-12-03', time: '15:05', duration: '15', spell: 'AB12C', text: 'free text' };
          return samples[placeholder.type] || '';
        }

        function templateForm(prompt) {
          const form = element('form', 'template-form');
          form.dataset.prompt = prompt.language + '/' + prompt.id;
          for (const placeholder of prompt.placeholders) {
            const label = element('label', 'value');
            const options = Object.entries(placeholder.options || {}).map(([k, v]) => k + '=' + v).join(', ');
            label.append(element('span', 'name', placeholder.name + ' (' + placeholder.type + (options ? ': ' + options : '') + ')'));
            const input = element('input');
            input.name = placeholder.name;
            input.placeholder = placeholderHint(placeholder);
            input.autocomplete = 'off';
            label.append(input);
            form.append(label);
          }
          const speak = element('button', 'speak', 'Speak both ways');
          speak.type = 'submit';
          const spoken = element('div', 'spoken');
          const versions = element('div', 'versions');
          form.append(speak, spoken, versions);
          form.addEventListener('submit', async (event) => {
            event.preventDefault();
            const values = {};
            for (const input of form.querySelectorAll('input')) { if (input.value !== '') values[input.name] = input.value; }
            speak.disabled = true;
            setStatus('Speaking ' + prompt.language + '/' + prompt.id + ' joined and rendered…');
            try {
              const response = await api('/audition/api/announce', {
                method: 'POST',
                headers: { 'Content-Type': 'application/json' },
                body: JSON.stringify({ language: prompt.language, id: prompt.id, values: values }),
              });
              const answer = await response.json();
              spoken.textContent = '“' + answer.spoken + '”';
              const side = (name, version) => {
                const box = element('div', 'version ' + name);
                box.dataset.outcome = version.outcome;
                const source = Object.assign({ id: prompt.id, language: prompt.language, voice: name }, version);
                box.append(element('span', 'label', name + ': ' + version.outcome + ' · ' + seconds(version.durationSeconds)), player(source, name === 'render'));
                return box;
              };
              versions.replaceChildren(side('join', answer.join), side('render', answer.render));
              setStatus('Spoke ' + prompt.language + '/' + prompt.id + ' both ways.');
            } catch (error) {
              setStatus('Cannot speak ' + prompt.language + '/' + prompt.id + ': ' + error.message, true);
            } finally {
              speak.disabled = false;
            }
          });
          return form;
        }

        function row(prompt) {
          const tr = element('tr');
          tr.dataset.prompt = prompt.language + '/' + prompt.id;
          const id = element('td', 'id');
          id.append(element('code', null, prompt.id));
          const text = element('td', 'text');
          const textBody = element('div', null, prompt.text);
          text.title = prompt.text;
          text.append(textBody);
          const listen = element('td', 'listen');
          listen.append(prompt.rendered ? player(prompt, false)
            : element('span', 'missing', prompt.placeholders ? 'template (' + prompt.strategy + '): give values' : 'not rendered'));
          const take = element('td', 'another-voice');
          take.append(prompt.placeholders ? templateForm(prompt) : another(prompt));
          tr.append(
            id,
            element('td', 'language', prompt.language),
            text,
            element('td', 'voice', voiceOf(prompt)),
            element('td', 'duration', prompt.rendered ? seconds(prompt.durationSeconds) : '—'),
            element('td', 'provider', prompt.provider || '—'),
            listen,
            take);
          return tr;
        }

        async function load() {
          try {
            const response = await api('/audition/api/prompts');
            state.library = await response.json();
            $('#key-form').hidden = true;
            const prompts = state.library.prompts;
            const rendered = prompts.filter((p) => p.rendered);
            const total = rendered.reduce((sum, p) => sum + p.durationSeconds, 0);
            $('#library-name').textContent = state.library.name ? '· ' + state.library.name : '';
            $('#summary').textContent = prompts.length + ' prompts, ' + rendered.length + ' rendered (' + total.toFixed(1) + ' s of audio). '
              + (rendered.length < prompts.length ? 'Build the library (ivrvoice build) to hear the rest. ' : '')
              + 'Access: ' + state.library.access + '.';
            $('#prompts tbody').replaceChildren(...prompts.map(row));
            setStatus('');
          } catch (error) {
            $('#summary').textContent = 'The library could not be loaded.';
            setStatus(error.message, true);
          }
        }

        document.addEventListener('DOMContentLoaded', () => {
          $('#key-form').addEventListener('submit', (event) => {
            event.preventDefault();
            state.apiKey = $('#api-key').value.trim();
            sessionStorage.setItem('ivrvoice-audition-key', state.apiKey);
            load();
          });
          load();
        });
        """;
}

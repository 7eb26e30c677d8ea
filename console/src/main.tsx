/** The agent console: mounts the app into #app. */
import { render } from 'preact';
import { App } from './components/App.tsx';
import { unlockAudioOnGesture } from './alerts.ts';
import './styles.css';

unlockAudioOnGesture();
const mount = document.getElementById('app');
if (mount) render(<App />, mount);

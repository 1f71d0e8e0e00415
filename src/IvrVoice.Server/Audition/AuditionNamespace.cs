// Program.cs maps the page with the one line app.MapAudition(); this makes the extension visible there without a using.
global using IvrVoice.Server.Audition;

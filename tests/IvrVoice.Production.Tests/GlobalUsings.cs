global using System.Globalization;
global using IvrVoice.Production.Tests.Support;
global using IvrVoice.Testing;

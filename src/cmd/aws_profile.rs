//! `fedaws aws-profile add|remove`: `credential_process` profiles in `~/.aws/config` (see
//! [`crate::aws_config`] for how the file is read and edited).

use crate::aws_config::{
    Pin, ProfileError, aws_config_path, edit_file, plain_line, render_command, with_profile,
    without_profile, written_by_fedaws,
};
use crate::cli::{AwsProfileAddArgs, AwsProfileCommand, AwsProfileRemoveArgs};
use crate::config::Depth;
use crate::context::Context;
use crate::exit::UserError;

/// Dispatch `fedaws aws-profile …`.
pub fn run(command: AwsProfileCommand, ctx: &mut Context) -> anyhow::Result<()> {
    match command {
        AwsProfileCommand::Add(args) => add(args, ctx),
        AwsProfileCommand::Remove(args) => remove(args, ctx),
    }
}

/// The `credential_process` command for a connector.
fn command_line(ctx: &Context, connector: &str) -> anyhow::Result<String> {
    // The broker, or a config given by --config or FEDAWS_CONFIG, is pinned, since the AWS CLI
    // passes on neither flags nor fedaws's environment.
    let canonical = |p: &std::path::Path| {
        let path = p
            .canonicalize()
            .unwrap_or_else(|_| p.to_path_buf())
            .to_string_lossy()
            .into_owned();
        // Windows gives canonical paths the `\\?\` prefix, which `cmd` cannot run.
        match path.strip_prefix(r"\\?\") {
            Some(plain) if !plain.starts_with("UNC\\") => plain.to_string(),
            _ => path,
        }
    };
    let exe = canonical(&std::env::current_exe()?);
    let broker = ctx.broker.as_ref().map(|b| canonical(&b.path));
    let config = ctx.location_explicit.then(|| canonical(&ctx.location.path));
    let pin = match (&broker, &config) {
        (Some(b), _) => Pin::Broker(b),
        (None, Some(c)) => Pin::Config(c),
        (None, None) => Pin::Nothing,
    };
    Ok(render_command(&exe, pin, connector)?)
}

fn add(args: AwsProfileAddArgs, ctx: &mut Context) -> anyhow::Result<()> {
    let profile = args
        .profile
        .clone()
        .unwrap_or_else(|| args.connector.clone());
    plain_line("--profile", &profile)?;
    if profile.is_empty() || profile.contains(|c: char| c.is_whitespace() || c == '[' || c == ']') {
        return Err(UserError::usage(format!(
            "--profile {profile:?}: a profile name has no spaces or brackets"
        ))
        .into());
    }
    // Through a broker the connector is the broker's: the profile's region is --region's.
    let region = match &ctx.broker {
        Some(_) => args.region.clone(),
        None => {
            let config = ctx.load(Depth::Shallow)?;
            let connector = config.connector(&args.connector)?;
            let configured = match connector.region()? {
                Some(r) => Some(r),
                None => config.settings.region()?,
            };
            args.region.clone().or(configured)
        }
    };
    let command = command_line(ctx, &args.connector)?;
    let mut settings = vec![("credential_process", command)];
    if let Some(r) = region {
        settings.push(("region", r.to_string()));
    }
    let path = aws_config_path()?;
    let connector_name = args.connector.clone();
    edit_file(&path, |text| {
        // A file the AWS CLI cannot read would hide the profile too: said, not written over.
        if let Some(problem) = crate::aws_config::botocore::problem(text) {
            return Err(ProfileError(format!(
                "{}: {problem}: the AWS CLI and boto3 cannot read this file, so they would not find profile `{profile}` either; fix that first",
                path.display()
            )));
        }
        with_profile(
            text,
            &profile,
            &settings,
            |v| written_by_fedaws(v).is_some_and(|c| c.connector == connector_name),
            args.force,
        )
    })?;
    ctx.note(format!(
        "wrote profile `{profile}` to {}; try `aws sts get-caller-identity --profile {profile}`",
        path.display()
    ));
    Ok(())
}

fn remove(args: AwsProfileRemoveArgs, ctx: &mut Context) -> anyhow::Result<()> {
    let path = aws_config_path()?;
    edit_file(&path, |text| {
        without_profile(text, &args.profile, args.force, &path)
    })?;
    ctx.note(format!(
        "removed profile `{}` from {}",
        args.profile,
        path.display()
    ));
    Ok(())
}

# Bash completion for portal(1): its commands, each command's options, the
# kinds `portal new` makes and their options, the values --format takes, and
# folders for --source and --output.
_portal() {
  local cur prev command
  COMPREPLY=()
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD - 1]}
  if ((COMP_CWORD == 1)); then
    mapfile -t COMPREPLY < <(compgen -W "build check serve new --help --version" -- "$cur")
    return
  fi
  command=${COMP_WORDS[1]}
  case $prev in
    --source | --output)
      mapfile -t COMPREPLY < <(compgen -d -- "$cur")
      return
      ;;
    --format)
      mapfile -t COMPREPLY < <(compgen -W "text json github" -- "$cur")
      return
      ;;
    --base-url | --jobs | --port | --host | --date | --time | --title | --name | --meeting | --item | --pseudonym | --year)
      return
      ;;
  esac
  local options
  case $command in
    build) options="--source --output --base-url --drafts --local --full --jobs --quiet" ;;
    check) options="--source --base-url --format --drafts" ;;
    serve) options="--source --host --port" ;;
    new)
      if ((COMP_CWORD == 2)); then
        mapfile -t COMPREPLY < <(compgen -W "bulletin event meeting paper dhr page" -- "$cur")
        return
      fi
      case ${COMP_WORDS[2]} in
        bulletin) options="--date --name" ;;
        event) options="--title --date --time --name" ;;
        meeting) options="--date --time" ;;
        paper) options="--meeting --name --item --title" ;;
        dhr) options="--pseudonym --year --date" ;;
        page) options="--name --title" ;;
      esac
      options+=" --source"
      ;;
  esac
  mapfile -t COMPREPLY < <(compgen -W "$options" -- "$cur")
}
complete -F _portal portal

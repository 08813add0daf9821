"""`python -m simulator simulate ...`: the simulator's command without the rest of the hub."""

import argparse
import sys

from simulator.cli import add_parser

parser = argparse.ArgumentParser(prog="python -m simulator")
add_parser(parser.add_subparsers(dest="command", required=True))
args = parser.parse_args()
sys.exit(args.handler(None, args))

#!/usr/bin/env bash
# Writes a small seed corpus for each fuzz target into fuzz/corpus/<target>/ (kept out of
# git; the fuzzer grows it). Run from anywhere: bash fuzz/seed-corpus.sh
set -euo pipefail
cd "$(dirname "$0")"

seed() { # seed TARGET NAME PREFIX-BYTES(printf format) TEXT
    mkdir -p "corpus/$1"
    { printf "$3"; printf '%s' "$4"; } >"corpus/$1/$2"
}

# parse_sequence: first byte is D.
seed parse_sequence scalar '\001' '1, 2, 3, 4, 5'
seed parse_sequence vector '\002' '1 2; 3 4
-5 6e-1;'
seed parse_sequence unicode '\001' '−1.5, é, 2'
seed parse_sequence bad '\003' '1 2 3; 4 nan 6; 1e39 0 0'
seed parse_sequence blanks '\002' ' ;;1,2 ;	3 4 ,'

# parse_vector: first byte is the length.
seed parse_vector two '\002' '-0.5,0.1'
seed parse_vector three '\003' '1; 2
3'

# params_from_json: the seed article's LSTM and a small GRU without "cell".
mkdir -p corpus/params_from_json && cp ../tests/data/seed-article-lstm.json corpus/params_from_json/
seed params_from_json gru '' '{"weight_ih":[[1],[2],[3]],"weight_hh":[[0.5],[0.25],[0]],"bias_ih":[0,0,0],"bias_hh":[1,-1,0]}'
seed params_from_json rnn '' '{"cell":"RNN","weight_ih_l0":[[1,2]],"weight_hh_l0":[[0]],"bias_ih_l0":[0],"bias_hh_l0":[0]}'

# input_target_json: bytes 0-2 are D, T, H.
seed input_target_json nested '\002\002\002' '[[1, 2], [3, 4]]'
seed input_target_json flat '\001\003\001' '[1, 2.5, -3]'
seed input_target_json bad '\001\001\001' '[[1e39]]'

# parse_cell
seed parse_cell plain '' ' 2.5 '
seed parse_cell comma '' '0,5'
seed parse_cell minus '' '−3e-2'
seed parse_cell word '' 'infinity'

# model_form: byte 0 picks the field (low 2 bits) and the base settings.
seed model_form hidden '\000' '16'
seed model_form input '\001' '+4'
seed model_form seed '\002' '18446744073709551615'
seed model_form scale '\003' '2.5e-1'
seed model_form bad '\000' '99999999999999999999999999999999999999999'
echo "seeded: $(ls corpus)"
